//! For the tests that run the real window under Xvfb.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process killed and reaped when the test ends, passing or not.
pub struct Kill(pub Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether `tool` is on the PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The first X display number from `from` with neither a socket nor a lock file.
pub fn free_display(from: u32) -> u32 {
    (from..from + 200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .expect("a free X display number")
}

/// Waits until `f` says yes, checking every quarter second; panics naming `what` after `secs`.
pub async fn wait_until(what: &str, secs: u64, mut f: impl AsyncFnMut() -> bool) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < end {
        if f().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Whether the real-window tools are all here. Without them a test says so and is skipped,
/// unless LIVEWINDOW_REQUIRE_XVFB=1 (as in CI), where it fails.
pub fn window_tools(tools: &[&str]) -> bool {
    let missing: Vec<_> = tools.iter().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("LIVEWINDOW_REQUIRE_XVFB").as_deref() == Ok("1") {
        panic!("missing {missing:?}: .ci/run installs them");
    }
    println!("SKIPPED: this test needs {missing:?}");
    false
}

/// One X display (Xvfb) with the real console on it, in a home folder of its own.
pub struct Desk {
    pub display: String,
    pub app: Kill,
    _x: Kill,
    _runtime: tempfile::TempDir,
    home: tempfile::TempDir,
    pub shots: std::path::PathBuf,
}

impl Desk {
    pub async fn start(n: u32, url: &str, agent: &str, shots: &Path) -> Desk {
        Desk::start_with(n, &["--database-url", url, "--agent", agent], shots).await
    }

    /// The console started with these arguments (`--server URL` for a team's desktop).
    pub async fn start_with(n: u32, args: &[&str], shots: &Path) -> Desk {
        let display = format!(":{n}");
        let x = Kill(
            Command::new("Xvfb")
                // -noreset: a console that restarts must not meet the server mid-reset.
                .args([
                    &display,
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb"),
        );
        wait_until("Xvfb", 10, async || {
            Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .await;
        let (runtime, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let app = Self::console(&display, runtime.path(), home.path(), args);
        let desk = Desk {
            display,
            app,
            _x: x,
            _runtime: runtime,
            home,
            shots: shots.to_path_buf(),
        };
        wait_until("the window", 60, async || !desk.window().is_empty()).await;
        desk
    }

    fn console(display: &str, runtime: &Path, home: &Path, args: &[&str]) -> Kill {
        Kill(
            Command::new(env!("CARGO_BIN_EXE_livewindow"))
                .args(args)
                .env_remove("LIVEWINDOW_DATABASE_URL")
                .env("DISPLAY", display)
                .env("XDG_RUNTIME_DIR", runtime)
                .env("HOME", home)
                .env_remove("XDG_DATA_HOME")
                .env("ICED_BACKEND", "tiny-skia")
                .env_remove("WAYLAND_DISPLAY")
                .stdout(Stdio::null())
                .spawn()
                .expect("start the console"),
        )
    }

    /// The console's home folder.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Ends the console (SIGTERM, as a logout does) and starts it again with these
    /// arguments, in the same home, on the same display.
    pub async fn restart(&mut self, args: &[&str]) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.app.0.id().to_string()])
            .status();
        for _ in 0..100 {
            if matches!(self.app.0.try_wait(), Ok(Some(_))) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.app = Self::console(&self.display, self._runtime.path(), self.home.path(), args);
        wait_until("the window", 60, async || !self.window().is_empty()).await;
    }

    /// The folder the console keeps its sessions in (its default, under this home).
    pub fn sessions(&self) -> std::path::PathBuf {
        self.home.path().join(".local/share/livewindow/sessions")
    }

    /// The console's window id, or "" while there is none.
    pub fn window(&self) -> String {
        let out = Command::new("xdotool")
            .args(["search", "--name", "Live Window"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("run xdotool");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    pub fn xdo(&self, args: &[&str]) {
        let ok = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("run xdotool");
        assert!(ok.success(), "xdotool {args:?}");
    }

    /// Focuses the window, then presses `key` (xdotool's names: "alt+a", "Return").
    pub fn key(&self, key: &str) {
        self.xdo(&["windowfocus", "--sync", &self.window()]);
        self.xdo(&["key", key]);
    }

    /// A screenshot of the whole display under `name` in the shots folder.
    pub fn shot(&self, name: &str) -> std::path::PathBuf {
        let png = self.shots.join(name);
        let ok = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&png)
            .status()
            .expect("run import");
        assert!(ok.success(), "screenshot {name}");
        png
    }

    /// [`Desk::shot`], and a copy at twice the size for tesseract, which misreads small
    /// text (and text beside drawn focus rings) at 1:1.
    pub fn shot_x2(&self, name: &str) -> std::path::PathBuf {
        let png = self.shot(name);
        let big = png.with_extension("x2.png");
        let ok = Command::new("convert")
            .arg(&png)
            .args(["-resize", "200%"])
            .arg(&big)
            .status()
            .expect("run convert");
        assert!(ok.success(), "convert {name}");
        big
    }

    /// A screenshot under `name`, and what tesseract reads on it (at twice the size).
    pub fn read(&self, name: &str) -> String {
        let out = Command::new("tesseract")
            .arg(self.shot_x2(name))
            .arg("stdout")
            .output()
            .expect("run tesseract");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until tesseract reads `words` on screen; panics with the last reading after
    /// `secs`. The last screenshot is `name`.
    pub async fn sees(&self, name: &str, words: &str, secs: u64) -> std::time::Duration {
        let start = std::time::Instant::now();
        let mut last = String::new();
        while start.elapsed() < std::time::Duration::from_secs(secs) {
            last = self.read(name);
            if last.contains(words) {
                return start.elapsed();
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("{words:?} never on screen; last read: {last}");
    }

    /// Focuses the window, then types `text`.
    pub fn type_text(&self, text: &str) {
        self.xdo(&["windowfocus", "--sync", &self.window()]);
        self.xdo(&["type", "--delay", "30", text]);
    }

    /// Where tesseract reads `word` on screen (the middle of its first match, in the
    /// window's pixels), from a screenshot named `name`.
    pub fn find_word(&self, name: &str, word: &str) -> Option<(i64, i64)> {
        let big = self.shot_x2(name);
        if let Some(at) = Self::word_at(&big, word) {
            return Some(at);
        }
        // White on a coloured button reads only with the picture turned to grey and
        // inverted, some colours only in black and white as well.
        [&["-negate"][..], &["-negate", "-threshold", "50%"][..]]
            .iter()
            .enumerate()
            .find_map(|(i, filter)| {
                let changed = big.with_extension(format!("neg{i}.png"));
                let ok = Command::new("convert")
                    .arg(&big)
                    .args(["-colorspace", "Gray"])
                    .args(*filter)
                    .arg(&changed)
                    .status()
                    .expect("run convert");
                assert!(ok.success(), "convert {name}");
                Self::word_at(&changed, word)
            })
    }

    /// Where tesseract reads `word`: in its page layout, else in its sparse-text mode
    /// (psm 11), which finds a lone button at a row's end that the layout can drop.
    fn word_at(picture: &Path, word: &str) -> Option<(i64, i64)> {
        Self::word_at_in(picture, word, None)
            .or_else(|| Self::word_at_in(picture, word, Some("11")))
    }

    fn word_at_in(picture: &Path, word: &str, psm: Option<&str>) -> Option<(i64, i64)> {
        let mut cmd = Command::new("tesseract");
        cmd.arg(picture).arg("stdout");
        if let Some(psm) = psm {
            cmd.args(["--psm", psm]);
        }
        let out = cmd.arg("tsv").output().expect("run tesseract");
        let tsv = String::from_utf8_lossy(&out.stdout).into_owned();
        let words: Vec<Vec<&str>> = tsv
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f.len() >= 12)
            .collect();
        // The word itself, else one it starts (tesseract runs "Move to a queue…" together).
        let clean = |f: &Vec<&str>| {
            f[11]
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        };
        let found = words
            .iter()
            .find(|f| clean(f) == word)
            .or_else(|| words.iter().find(|f| clean(f).starts_with(word)))?;
        let n = |i: usize| found[i].parse::<i64>().ok();
        // Read at twice the size: halve back to the window's pixels.
        Some(((n(6)? + n(8)? / 2) / 2, (n(7)? + n(9)? / 2) / 2))
    }

    /// Clicks `word` once tesseract reads it on screen; panics after `secs`.
    pub async fn click_word(&self, name: &str, word: &str, secs: u64) {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(secs) {
            if let Some((x, y)) = self.find_word(name, word) {
                let window = self.window();
                self.xdo(&["windowfocus", "--sync", &window]);
                self.xdo(&["mousemove", &x.to_string(), &y.to_string(), "click", "1"]);
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        panic!("{word:?} never on screen to click (last screenshot {name})");
    }
}
