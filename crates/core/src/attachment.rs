//! Files from the customer besides images: which kinds a site accepts
//! (`SVC_CHAT_ATTACHMENT_TYPES`), how large (`SVC_CHAT_ATTACHMENT_MB`), what a kind's file
//! must look like, and the name it is saved under. The bytes themselves are checked where
//! they arrive (the server's `files.rs`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A kind of file the page may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Text,
    Csv,
    Docx,
    Xlsx,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Pdf,
        FileKind::Text,
        FileKind::Csv,
        FileKind::Docx,
        FileKind::Xlsx,
    ];

    /// Its name in the option and in sentences.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Text => "TXT",
            FileKind::Csv => "CSV",
            FileKind::Docx => "DOCX",
            FileKind::Xlsx => "XLSX",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Csv => "text/csv; charset=utf-8",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The extension a file of this kind is named with.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Text => "txt",
            FileKind::Csv => "csv",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
        }
    }

    /// The kind a file's name claims, by its extension.
    pub fn claimed_by(file_name: &str) -> Option<FileKind> {
        let (_, ext) = file_name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(FileKind::Pdf),
            "txt" | "text" | "log" => Some(FileKind::Text),
            "csv" => Some(FileKind::Csv),
            "docx" => Some(FileKind::Docx),
            "xlsx" => Some(FileKind::Xlsx),
            _ => None,
        }
    }

    fn parse(word: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(word.trim()))
    }

    /// What a file of this kind must be, for the refusal's sentence.
    fn looks_like(self) -> &'static str {
        match self {
            FileKind::Pdf => "a PDF document",
            FileKind::Text => "plain text",
            FileKind::Csv => "CSV text",
            FileKind::Docx => "a Word (DOCX) document",
            FileKind::Xlsx => "an Excel (XLSX) workbook",
        }
    }
}

/// The option's default: every kind.
pub const DEFAULT_TYPES: &str = "PDF,TXT,CSV,DOCX,XLSX";

/// The kinds an `SVC_CHAT_ATTACHMENT_TYPES` value names (comma-separated); an empty value
/// accepts none.
pub fn parse_types(value: &str) -> Result<Vec<FileKind>, String> {
    let mut kinds = Vec::new();
    for word in value.split(',').filter(|w| !w.trim().is_empty()) {
        let kind = FileKind::parse(word).ok_or_else(|| {
            format!(
                "{:?} is not a file type livewindow accepts; choose from {DEFAULT_TYPES}",
                word.trim()
            )
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// Why a file was refused: one sentence for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileRefusal {
    #[error("\u{201c}{name}\u{201d} is not a type of file we accept. Send {allowed}, or an image.")]
    NotAllowed { name: String, allowed: String },
    #[error("\u{201c}{name}\u{201d} is not {}: its contents do not match its type.", kind.looks_like())]
    Mismatch { name: String, kind: FileKind },
    #[error("\u{201c}{name}\u{201d} is larger than {max_mb} MB; please send a smaller file.")]
    TooLarge { name: String, max_mb: i64 },
    #[error("\u{201c}{name}\u{201d} is empty.")]
    Empty { name: String },
}

/// "PDF, TXT or CSV": the accepted kinds for a sentence.
pub fn kinds_text(kinds: &[FileKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    match names.split_last() {
        None => "no files".into(),
        Some((last, [])) => format!("a {last} file"),
        Some((last, rest)) => format!("{} or {last} files", rest.join(", ")),
    }
}

/// A file kept with a message: what a transcript shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
}

/// The name a file is saved under and sent in `Content-Disposition`: letters, digits,
/// dot, dash, underscore and space only, no leading dot, at most 100 characters, with the
/// kind's extension kept.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    let mut out: String = trimmed
        .chars()
        .rev()
        .take(100)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if out.is_empty() || out.chars().all(|c| c == '_') {
        out = "file".into();
    }
    out
}

/// A size for people: "512 bytes", "34 KB", "2.5 MB".
pub fn size_text(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_and_sentences_read() {
        assert_eq!(parse_types(DEFAULT_TYPES).unwrap(), FileKind::ALL.to_vec());
        assert_eq!(
            parse_types(" pdf, csv ,pdf").unwrap(),
            vec![FileKind::Pdf, FileKind::Csv]
        );
        assert_eq!(parse_types("").unwrap(), vec![]);
        assert!(parse_types("PDF,EXE").unwrap_err().contains("\"EXE\""));
        assert_eq!(
            kinds_text(&[FileKind::Pdf, FileKind::Csv, FileKind::Docx]),
            "PDF, CSV or DOCX files"
        );
        assert_eq!(kinds_text(&[FileKind::Pdf]), "a PDF file");
        assert_eq!(FileKind::claimed_by("Report.PDF"), Some(FileKind::Pdf));
        assert_eq!(FileKind::claimed_by("setup.exe"), None);
        assert_eq!(FileKind::claimed_by("README"), None);
        assert_eq!(
            FileRefusal::Mismatch {
                name: "a.pdf".into(),
                kind: FileKind::Pdf
            }
            .to_string(),
            "\u{201c}a.pdf\u{201d} is not a PDF document: its contents do not match its type."
        );
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_file_name("Q3 report.pdf"), "Q3 report.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\"b;c\r\n.csv"), "a_b_c__.csv");
        assert_eq!(safe_file_name("..."), "file");
        assert_eq!(safe_file_name("résumé.docx"), "r_sum_.docx");
        assert!(safe_file_name(&format!("{}.xlsx", "x".repeat(300))).ends_with(".xlsx"));
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(2_621_440), "2.5 MB");
    }
}
