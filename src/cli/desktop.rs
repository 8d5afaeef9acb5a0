//! `livewindow install-desktop`: the `.desktop` file and the icons where the desktop finds
//! them, so the console shows in the menu and the task switcher with its icon.

use crate::ui::icon;
use anyhow::{Context, Result};
use std::path::Path;

pub fn install() -> Result<()> {
    let home = crate::core::paths::desktop_data_home()
        .context("no home directory to install the desktop file into")?;
    let exe = std::env::current_exe().context("cannot tell where this binary is")?;
    let exe = exe
        .to_str()
        .context("this binary's path is not UTF-8, which a .desktop file cannot name")?;
    let name = icon::NAME;
    write(
        &home.join("applications").join(format!("{name}.desktop")),
        icon::desktop_entry(exe).as_bytes(),
    )?;
    let hicolor = home.join("icons").join("hicolor");
    for (size, png) in icon::PNGS {
        let dir = hicolor.join(format!("{size}x{size}")).join("apps");
        write(&dir.join(format!("{name}.png")), png)?;
    }
    write(
        &hicolor
            .join("scalable")
            .join("apps")
            .join(format!("{name}.svg")),
        icon::SVG,
    )?;
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
