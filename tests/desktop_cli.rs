//! The binary on a desktop, without a window: where no display can be opened it says so in
//! one line and exits non-zero (no panic), and `install-desktop` puts the `.desktop` file
//! and the icons where the desktop finds them.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

fn console_without(display: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--database-url",
        &format!("sqlite://{}", dir.path().join("db").display()),
    ])
    .env("HOME", dir.path())
    .env("XDG_RUNTIME_DIR", dir.path())
    .env_remove("WAYLAND_DISPLAY")
    .env_remove("DISPLAY")
    .env("RUST_BACKTRACE", "1");
    if let Some(d) = display {
        cmd.env("DISPLAY", d);
    }
    cmd.output().expect("run livewindow")
}

fn one_line_and_failure(out: &std::process::Output, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit status {:?}", out.status);
    assert_eq!(err.lines().count(), 1, "one line, got: {err}");
    assert!(err.contains(says), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn with_no_display_the_console_says_so_in_one_line() {
    let out = console_without(None);
    one_line_and_failure(&out, "no display to open a window on");
}

#[test]
fn with_a_display_that_does_not_answer_the_console_says_so_in_one_line() {
    // Display 259 has no server (the window tests take numbers from 90 up).
    let out = console_without(Some(":259"));
    one_line_and_failure(&out, "the display does not answer (DISPLAY=:259)");
}

#[test]
fn install_desktop_puts_the_entry_and_icons_where_the_desktop_finds_them() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let out = Command::new(BIN)
        .arg("install-desktop")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .output()
        .expect("run livewindow");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entry = std::fs::read_to_string(data.join("applications/livewindow.desktop")).unwrap();
    assert!(entry.contains("Icon=livewindow\n"), "{entry}");
    assert!(entry.contains(&format!("Exec={BIN}\n")), "{entry}");
    for size in [16, 24, 32, 48, 64, 128, 256] {
        let png = data.join(format!("icons/hicolor/{size}x{size}/apps/livewindow.png"));
        let image = image::open(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert_eq!((image.width(), image.height()), (size, size));
    }
    let svg = std::fs::read_to_string(data.join("icons/hicolor/scalable/apps/livewindow.svg"));
    assert!(svg.unwrap().contains("<svg"));
    // It says what it wrote, a path a line.
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(said.lines().count(), 9, "{said}");
}
