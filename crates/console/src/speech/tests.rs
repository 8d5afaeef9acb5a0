//! The SSIP conversation against a stand-in speech-dispatcher on a Unix socket.

use super::Speaker;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;

/// A stand-in server: answers as speech-dispatcher does and hands back what was spoken.
fn server(listener: UnixListener) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut out = stream.try_clone().expect("clone");
        let mut text: Option<String> = None;
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let reply = match (&mut text, line.as_str()) {
                (Some(t), ".") => {
                    let _ = tx.send(std::mem::take(t));
                    text = None;
                    "225-1\r\n225 OK MESSAGE QUEUED\r\n"
                }
                (Some(t), l) => {
                    t.push_str(l.strip_prefix('.').unwrap_or(l));
                    continue;
                }
                (None, "SPEAK") => {
                    text = Some(String::new());
                    "230 OK RECEIVING DATA\r\n"
                }
                (None, l) if l.starts_with("SET self CLIENT_NAME") => "208 OK CLIENT NAME SET\r\n",
                (None, l) if l.starts_with("SET self PRIORITY") => "202 OK PRIORITY SET\r\n",
                _ => "300 ERR UNKNOWN\r\n",
            };
            if out.write_all(reply.as_bytes()).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn lines_reach_speech_dispatcher_in_order() {
    let dir = tempfile_dir();
    let path = dir.join("speechd.sock");
    let heard = server(UnixListener::bind(&path).expect("bind"));
    let speaker = Speaker::at(Some(path));
    speaker.say("Incoming chat: Ana Lima, Support queue, 30 seconds to accept.".into());
    speaker.say(".hidden dot".into());
    let wait = std::time::Duration::from_secs(5);
    assert_eq!(
        heard.recv_timeout(wait).expect("spoken"),
        "Incoming chat: Ana Lima, Support queue, 30 seconds to accept."
    );
    assert_eq!(heard.recv_timeout(wait).expect("spoken"), ".hidden dot");
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lw-speech-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

#[test]
fn a_transfer_offer_says_who_sends_it() {
    let offer = livewindow_core::Offer {
        chat_id: 1,
        agent_id: 2,
        queue_id: 3,
        queue_name: "Billing".into(),
        customer_name: "Ana Lima".into(),
        customer_email: "ana@example.com".into(),
        deadline_ms: 0,
        offered_ms: 0,
        requested_ms: 0,
        first_message: None,
        transfer: Some(livewindow_core::Transfer {
            kind: livewindow_core::TransferKind::Agent,
            from_agent: Some("Maria Santos".into()),
            from_queue: "Support".into(),
            note: String::new(),
            contact: None,
        }),
        verified_by_site: false,
    };
    assert_eq!(
        super::offer(&offer, 25),
        "Transfer from Maria Santos: Ana Lima, Billing queue, 25 seconds to accept."
    );
}
