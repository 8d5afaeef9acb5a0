//! Whether a window can open here at all. The windowing library panics with a backtrace
//! when there is no display (an SSH session, a service), so the console looks first and
//! says so in one line.

/// Why no window can open, as one line for the terminal; `None` when a display answers (or
/// the platform has no such question: Windows and macOS always have their desktop).
pub fn missing() -> Option<String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let wayland = std::env::var("WAYLAND_DISPLAY").unwrap_or_default();
        let x11 = std::env::var("DISPLAY").unwrap_or_default();
        if wayland.is_empty() && x11.is_empty() {
            return Some(
                "no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set; \
                 an SSH session needs `ssh -X`)"
                    .into(),
            );
        }
        // Either one answering is enough: winit tries Wayland, then X11.
        if (!wayland.is_empty() && wayland_answers(&wayland))
            || (!x11.is_empty() && x11_answers(&x11))
        {
            return None;
        }
        let named = [("WAYLAND_DISPLAY", &wayland), ("DISPLAY", &x11)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!("the display does not answer ({named})"))
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    None
}

#[cfg(all(unix, not(target_os = "macos")))]
fn wayland_answers(name: &str) -> bool {
    let path = if name.starts_with('/') {
        std::path::PathBuf::from(name)
    } else {
        match std::env::var_os("XDG_RUNTIME_DIR") {
            Some(dir) => std::path::Path::new(&dir).join(name),
            None => return false,
        }
    };
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

/// `DISPLAY` is `[host]:number[.screen]`: no host (or `unix`) is the local socket, anything
/// else TCP port 6000 + number (what `ssh -X` forwards).
#[cfg(all(unix, not(target_os = "macos")))]
fn x11_answers(display: &str) -> bool {
    let Some((host, rest)) = display.rsplit_once(':') else {
        return false;
    };
    let number: u16 = match rest.split('.').next().and_then(|n| n.parse().ok()) {
        Some(n) => n,
        None => return false,
    };
    if host.is_empty() || host == "unix" {
        let socket = format!("/tmp/.X11-unix/X{number}");
        return std::os::unix::net::UnixStream::connect(&socket).is_ok()
            || abstract_x11_socket(&socket);
    }
    use std::net::ToSocketAddrs;
    let Ok(addrs) = (host, 6000u16.saturating_add(number)).to_socket_addrs() else {
        return false;
    };
    addrs.into_iter().any(|a| {
        std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).is_ok()
    })
}

/// Linux X servers also listen on an abstract socket of the same name, which a container
/// may share without the file.
#[cfg(target_os = "linux")]
fn abstract_x11_socket(name: &str) -> bool {
    use std::os::linux::net::SocketAddrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
        .and_then(|a| std::os::unix::net::UnixStream::connect_addr(&a))
        .is_ok()
}

#[cfg(all(unix, not(target_os = "macos"), not(target_os = "linux")))]
fn abstract_x11_socket(_name: &str) -> bool {
    false
}

#[cfg(all(test, unix, not(target_os = "macos")))]
mod tests {
    #[test]
    fn display_names_are_read() {
        // Nothing listens on these: a malformed name or a closed port is "does not answer".
        assert!(!super::x11_answers("nonsense"));
        assert!(!super::x11_answers(":abc"));
        assert!(!super::x11_answers(":259"));
        assert!(!super::wayland_answers("/nonexistent/wayland-9"));
    }
}
