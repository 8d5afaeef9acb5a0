//! `livewindow paste-preview`: what a paste of clipboard HTML turns into, without a window.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub(super) fn run(
    file: &Path,
    rtf: Option<&Path>,
    image: Option<&Path>,
    plain: Option<&Path>,
) -> Result<()> {
    let read = |path: &Path| {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let text = |path: &Path| -> Result<String> {
        String::from_utf8(read(path)?)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))
    };
    let html = text(file)?;
    let rtf = rtf.map(read).transpose()?;
    let image = image.map(read).transpose()?;
    let plain = plain.map(text).transpose()?;
    let doc = crate::richtext::import(
        &html,
        &crate::richtext::PasteExtras {
            image: image.as_deref(),
            rtf: rtf.as_deref(),
            plain: plain.as_deref(),
        },
    );
    let mut out = std::io::stdout().lock();
    write!(out, "{}", doc.to_html())?;
    writeln!(out, "--- plain text ---")?;
    writeln!(out, "{}", doc.to_plain())?;
    out.flush()?;
    Ok(())
}
