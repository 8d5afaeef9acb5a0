//! Live Window's icon (`assets/icon/`, drawn for the project): built into the binary, so
//! the window, notifications and `livewindow install-desktop` need no file beside it.

/// The icon's name on the desktop (the `.desktop` file's `Icon=`, the icon theme's file).
pub const NAME: &str = "livewindow";

/// The drawing itself.
pub const SVG: &[u8] = include_bytes!("../../../assets/icon/livewindow.svg");

/// The drawing rendered at the sizes desktops ask for, smallest first.
pub const PNGS: &[(u32, &[u8])] = &[
    (16, include_bytes!("../../../assets/icon/livewindow-16.png")),
    (24, include_bytes!("../../../assets/icon/livewindow-24.png")),
    (32, include_bytes!("../../../assets/icon/livewindow-32.png")),
    (48, include_bytes!("../../../assets/icon/livewindow-48.png")),
    (64, include_bytes!("../../../assets/icon/livewindow-64.png")),
    (
        128,
        include_bytes!("../../../assets/icon/livewindow-128.png"),
    ),
    (
        256,
        include_bytes!("../../../assets/icon/livewindow-256.png"),
    ),
];

/// The `.desktop` file, for a binary at `exec`.
pub fn desktop_entry(exec: &str) -> String {
    // A path with spaces must be quoted for the Exec key.
    let exec = if exec.contains(' ') {
        format!("\"{exec}\"")
    } else {
        exec.to_string()
    };
    include_str!("../../../assets/livewindow.desktop")
        .replace("Exec=livewindow", &format!("Exec={exec}"))
}

/// The window's icon: the 64-pixel picture (window managers scale it for title bars and
/// task switchers). `None`, with a log line, if it cannot be decoded.
pub fn window() -> Option<iced::window::Icon> {
    let (_, png) = PNGS.iter().find(|(size, _)| *size == 64)?;
    let decoded = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| tracing::warn!("the window icon cannot be decoded: {e}"))
        .ok()?
        .into_rgba8();
    let (w, h) = decoded.dimensions();
    iced::window::icon::from_rgba(decoded.into_raw(), w, h)
        .map_err(|e| tracing::warn!("the window icon is refused: {e}"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_is_a_png_of_that_size() {
        for (size, png) in PNGS {
            let image =
                image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("a PNG");
            assert_eq!((image.width(), image.height()), (*size, *size));
        }
        assert!(std::str::from_utf8(SVG).is_ok_and(|s| s.contains("<svg")));
        assert!(window().is_some());
    }

    #[test]
    fn the_desktop_entry_runs_this_binary_with_its_icon() {
        let entry = desktop_entry("/opt/live window/livewindow");
        assert!(
            entry.contains("Exec=\"/opt/live window/livewindow\"\n"),
            "{entry}"
        );
        assert!(entry.contains(&format!("Icon={NAME}\n")), "{entry}");
    }
}
