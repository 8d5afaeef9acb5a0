//! Shared by the server and browser tests: a real `livewindow server` (in this process on a
//! loopback port, or the real binary as a child process), a plain HTTP client that carries
//! a chat's cookie by hand, and the WebSocket of a chat.
#![allow(dead_code)]

pub mod browser;

use futures::{SinkExt, StreamExt};
use livewindow::Store;
use livewindow::server::{self, Config};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A certificate authority of the test's own and a certificate it signed for `localhost`
/// and 127.0.0.1, made by openssl in a temporary directory.
pub struct TestTls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestTls {
    pub fn make() -> TestTls {
        let dir = tempfile::tempdir().expect("temp dir");
        let at = |name: &str| dir.path().join(name);
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("run openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ca_ext = [
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ];
        let args = [&["req", "-x509"][..], &ec, &ca_ext];
        let mut ca: Vec<&str> = args.concat();
        ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]);
        ca.extend(["-subj", "/CN=Live Window test CA"]);
        openssl(&ca);
        let mut req: Vec<&str> = [&["req"][..], &ec].concat();
        req.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        openssl(&req);
        std::fs::write(
            at("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .expect("write server.ext");
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        TestTls {
            ca: at("ca.pem"),
            cert: at("server.pem"),
            key: at("server.key"),
            _dir: dir,
        }
    }

    /// An HTTP client that trusts the test's authority.
    pub fn client(&self) -> reqwest::Client {
        let pem = std::fs::read(&self.ca).expect("read ca.pem");
        let ca = reqwest::Certificate::from_pem(&pem).expect("ca.pem");
        http_builder()
            .add_root_certificate(ca)
            .build()
            .expect("an https client")
    }
}

/// A server running in this test's runtime.
pub struct InProcess {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl InProcess {
    pub async fn start(store: &Store, config: Config) -> InProcess {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let store = store.clone();
        let task = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.await;
            };
            if let Err(e) = server::serve(listener, store, config, signal).await {
                panic!("server: {e}");
            }
        });
        InProcess {
            base,
            stop: Some(stop),
            task,
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), &mut self.task).await;
    }
}

/// A free loopback port (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// `livewindow server` as a child process: the real binary.
pub struct Process {
    pub base: String,
    pub port: u16,
    child: Child,
}

impl Process {
    pub async fn spawn(database_url: &str, port: u16, extra: &[&str]) -> Process {
        Self::spawn_with(&[], database_url, port, extra, "warn", Stdio::inherit()).await
    }

    /// [`Process::spawn`] logging at info level into `log` (the access log).
    pub async fn spawn_logged(
        database_url: &str,
        port: u16,
        extra: &[&str],
        log: &std::path::Path,
    ) -> Process {
        let file = std::fs::File::create(log).expect("log file");
        Self::spawn_with(&[], database_url, port, extra, "info", Stdio::from(file)).await
    }

    /// [`Process::spawn`] through a launcher, e.g. `setpriv --reuid=…` to run it as
    /// another user.
    pub async fn spawn_via(
        launcher: &[&str],
        database_url: &str,
        port: u16,
        extra: &[&str],
    ) -> Process {
        Self::spawn_with(
            launcher,
            database_url,
            port,
            extra,
            "warn",
            Stdio::inherit(),
        )
        .await
    }

    /// [`Process::spawn`] serving https itself with `tls`'s certificate, at
    /// `https://localhost:PORT`.
    pub async fn spawn_tls(database_url: &str, port: u16, tls: &TestTls) -> Process {
        let (cert, key) = (
            tls.cert.display().to_string(),
            tls.key.display().to_string(),
        );
        let extra = ["--tls-cert", cert.as_str(), "--tls-key", key.as_str()];
        let mut p = Self::start(&[], database_url, port, &extra, "warn", Stdio::inherit());
        p.base = format!("https://localhost:{port}");
        p.wait_ready_with(tls.client()).await;
        p
    }

    async fn spawn_with(
        launcher: &[&str],
        database_url: &str,
        port: u16,
        extra: &[&str],
        level: &str,
        stderr: Stdio,
    ) -> Process {
        let p = Self::start(launcher, database_url, port, extra, level, stderr);
        p.wait_ready_with(http()).await;
        p
    }

    fn start(
        launcher: &[&str],
        database_url: &str,
        port: u16,
        extra: &[&str],
        level: &str,
        stderr: Stdio,
    ) -> Process {
        let binary = env!("CARGO_BIN_EXE_livewindow");
        let mut command = match launcher.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        let child = command
            .args(["server", "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env("LIVEWINDOW_DATABASE_URL", database_url)
            .env("LIVEWINDOW_LOG", level)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn livewindow server");
        Process {
            base: format!("http://127.0.0.1:{port}"),
            port,
            child,
        }
    }

    async fn wait_ready_with(&self, http: reqwest::Client) {
        for _ in 0..300 {
            if let Ok(r) = http.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server at {} did not become ready", self.base);
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits at most `within` for the process to end: its exit status, or
    /// None if it was still running (it is then killed).
    pub async fn terminate_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// SIGKILL: the process dies with no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the process to finish its graceful shutdown.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("wait")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `lw_chat=…` pair from a response's Set-Cookie, and the whole header.
pub fn chat_cookie(response: &reqwest::Response) -> (String, String) {
    let set = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a Set-Cookie header")
        .to_string();
    let pair = set.split(';').next().unwrap_or_default().trim().to_string();
    (pair, set)
}

/// Starts a chat through the API; gives its id and cookie pair.
pub async fn start_chat(base: &str, name: &str, email: &str, message: &str) -> (i64, String) {
    let r = http()
        .post(format!("{base}/api/chats"))
        .json(&serde_json::json!({"name": name, "email": email, "message": message}))
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 201, "start chat");
    let (cookie, _) = chat_cookie(&r);
    let body: serde_json::Value = r.json().await.expect("json");
    (body["chat"]["chat_id"].as_i64().expect("chat id"), cookie)
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a chat's live channel with `cookie`, asking for messages after `after`.
pub async fn open_live(
    base: &str,
    chat: i64,
    cookie: &str,
    after: i64,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!(
        "{}/api/chats/{chat}/live?after={after}",
        base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("cookie", cookie.parse().expect("cookie header"));
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

/// The next JSON frame matching `pred`, within `secs`.
pub async fn next_frame(
    socket: &mut Socket,
    secs: u64,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let msg = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("timed out waiting for a frame")
            .expect("socket closed")
            .expect("socket error");
        if let Ws::Text(text) = msg {
            let v: serde_json::Value = serde_json::from_str(&text).expect("json frame");
            if pred(&v) {
                return v;
            }
        }
    }
}

pub async fn send_frame(socket: &mut Socket, value: serde_json::Value) {
    socket
        .send(Ws::Text(value.to_string().into()))
        .await
        .expect("send frame");
}

/// An HTTP client for the tests (the build's TLS provider chosen first).
pub fn http() -> reqwest::Client {
    http_builder().build().expect("an HTTP client")
}

pub fn http_builder() -> reqwest::ClientBuilder {
    livewindow::client::use_ring();
    reqwest::Client::builder()
}
