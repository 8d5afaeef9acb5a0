//! The sounds themselves, played through a real PulseAudio server's null sink and recorded
//! from its monitor: each tone is heard, louder at a higher volume; with no audio server a
//! sound is an error to log, never a panic. Skips when PulseAudio is not installed, unless
//! LIVEWINDOW_REQUIRE_AUDIO is set (CI sets it).

use livewindow::ui::sound::player::{PlayError, play_now};
use livewindow::ui::sound::{Play, Tone};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The peak and RMS of what the null sink heard while `p` played.
fn recorded(socket: &str, p: Play) -> (i32, f64) {
    let mut rec = Kill(
        Command::new("parec")
            .args(["--server", socket, "-d", "lw.monitor", "--raw"])
            .args([
                "--format=s16le",
                "--channels=1",
                "--rate=44100",
                "--latency-msec=20",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("parec"),
    );
    std::thread::sleep(Duration::from_millis(300));
    play_now(p).expect("the sound plays");
    std::thread::sleep(Duration::from_millis(500));
    // SIGTERM: parec writes out what it holds before it ends.
    let _ = Command::new("kill").arg(rec.0.id().to_string()).status();
    let mut raw = Vec::new();
    rec.0
        .stdout
        .take()
        .expect("parec's output")
        .read_to_end(&mut raw)
        .expect("reading the recording");
    let samples: Vec<i32> = raw
        .chunks_exact(2)
        .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]])))
        .collect();
    let peak = samples.iter().map(|s| s.abs()).max().unwrap_or(0);
    let rms = (samples.iter().map(|s| (*s as f64).powi(2)).sum::<f64>()
        / samples.len().max(1) as f64)
        .sqrt();
    (peak, rms)
}

#[test]
fn each_sound_is_heard_on_a_null_sink_and_no_server_is_silence() {
    if !installed("pulseaudio") || !installed("parec") {
        assert!(
            std::env::var_os("LIVEWINDOW_REQUIRE_AUDIO").is_none(),
            "LIVEWINDOW_REQUIRE_AUDIO is set but pulseaudio or parec is not installed"
        );
        eprintln!("skipped: pulseaudio and pulseaudio-utils are not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let socket_path = dir.path().join("native");
    let socket = format!("unix:{}", socket_path.display());
    let _server = Kill(
        Command::new("pulseaudio")
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
            ])
            .args(["--system=no", "--disallow-module-loading=no"])
            .arg("-L")
            .arg("module-null-sink sink_name=lw")
            .arg("-L")
            .arg(format!(
                "module-native-protocol-unix socket={} auth-anonymous=1",
                socket_path.display()
            ))
            .env("HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio starts"),
    );
    let start = Instant::now();
    while !socket_path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "pulseaudio did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: the only test in this binary; no other thread reads the environment yet.
    unsafe { std::env::set_var("PULSE_SERVER", &socket) };

    let mut quiet_rms = 0.0;
    for tone in Tone::ALL {
        let (peak, rms) = recorded(&socket, Play { tone, volume: 100 });
        assert!(peak > 5000, "{tone}: heard at full volume (peak {peak})");
        if tone == Tone::Chime {
            let (_, rms_low) = recorded(&socket, Play { tone, volume: 20 });
            assert!(
                rms_low < rms * 0.4,
                "20% is quieter: {rms_low:.0} against {rms:.0}"
            );
            quiet_rms = rms_low;
        }
    }
    assert!(quiet_rms > 0.0, "the quiet chime was heard at all");

    // No audio server: an error for the log line, not a panic, and promptly.
    unsafe { std::env::set_var("PULSE_SERVER", dir.path().join("nobody-here")) };
    let start = Instant::now();
    let r = play_now(Play {
        tone: Tone::Pop,
        volume: 80,
    });
    assert!(
        matches!(r, Err(PlayError::NoServer) | Err(PlayError::Server(_))),
        "{r:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}
