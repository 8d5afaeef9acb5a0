//! Files from the customer besides images (PDF, text, CSV, DOCX, XLSX, as the site allows):
//! taken like images (api.rs): the size declared and read within the site's limit, a few
//! uploads at a time, the body timeout, the chat's message limit. Each file is checked by
//! its bytes against the kind its name claims, never trusted from the name or the declared
//! type, and kept with its message. Served only to the chat's agent, as a download.

use super::AppState;
use super::api::{body_error, client_id, file_name, message_limit, store_checked, upload_permit};
use super::auth::ChatAccess;
use super::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livewindow_core::attachment::{FileKind, FileRefusal, kinds_text, safe_file_name, size_text};
use livewindow_core::{NewMessage, Sender};
use livewindow_store::NewFile;
use std::io::Cursor;

fn refused(status: StatusCode, r: FileRefusal) -> ApiError {
    ApiError::new(status, r.to_string()).field("file")
}

/// Whether `bytes` are a file of `kind`: a PDF's signature; a DOCX or XLSX is a ZIP
/// archive holding the part that makes it one; text is UTF-8 without NUL.
pub fn bytes_are(kind: FileKind, bytes: &[u8]) -> bool {
    match kind {
        FileKind::Pdf => bytes.starts_with(b"%PDF-"),
        FileKind::Text | FileKind::Csv => !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok(),
        FileKind::Docx => zip_holds(bytes, "word/document.xml"),
        FileKind::Xlsx => zip_holds(bytes, "xl/workbook.xml"),
    }
}

/// Reads only the archive's directory: nothing is decompressed.
fn zip_holds(bytes: &[u8], part: &str) -> bool {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => {
            let names: Vec<String> = archive
                .file_names()
                .filter_map(Result::ok)
                .map(|n| n.into_owned())
                .collect();
            names.iter().any(|n| n == "[Content_Types].xml") && names.iter().any(|n| n == part)
        }
        Err(_) => false,
    }
}

/// POST `/api/chats/{id}/files`: the body is the file's bytes; `X-File-Name`
/// (percent-encoded) names it and claims its kind, `X-Client-Id` makes a retry single.
pub async fn upload(
    State(state): State<AppState>,
    access: ChatAccess,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let policy = state.store.file_policy().await?;
    let name = file_name(&headers).unwrap_or_else(|| "file".into());
    let kind = FileKind::claimed_by(&name)
        .filter(|k| policy.kinds.contains(k))
        .ok_or_else(|| {
            refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                FileRefusal::NotAllowed {
                    name: name.clone(),
                    allowed: kinds_text(&policy.kinds),
                },
            )
        })?;
    let max = policy.max_bytes();
    let too_large = || {
        refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            FileRefusal::TooLarge {
                name: name.clone(),
                max_mb: policy.max_mb,
            },
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let _uploading = upload_permit(&state).await?;
    let bytes: Bytes = axum::body::to_bytes(body, max)
        .await
        .map_err(|e| body_error(e, too_large()))?;
    if bytes.is_empty() {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            FileRefusal::Empty { name: name.clone() },
        ));
    }
    let checked = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || bytes_are(kind, &bytes))
            .await
            .unwrap_or(false)
    };
    if !checked {
        return Err(refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            FileRefusal::Mismatch {
                name: name.clone(),
                kind,
            },
        ));
    }
    let given = headers.get("x-client-id").and_then(|v| v.to_str().ok());
    let cid = client_id(access.chat_id, given);
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let mut m = NewMessage::plain(
        Sender::Customer,
        &access.customer_name,
        None,
        &format!("[file: {name}, {}]", size_text(size)),
    );
    m.client_id = cid;
    let file = NewFile {
        name,
        kind,
        bytes: bytes.to_vec(),
    };
    let sent = state
        .store
        .send_customer_file(access.chat_id, &m, &file, message_limit(&state))
        .await?;
    store_checked(&state, access.chat_id, sent).await
}

/// The download of a message's file: never shown in the browser, never sniffed.
pub fn download(name: &str, kind: FileKind, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", safe_file_name(name));
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_decide() {
        assert!(bytes_are(FileKind::Pdf, b"%PDF-1.7\n..."));
        assert!(!bytes_are(FileKind::Pdf, b"hello"));
        assert!(bytes_are(FileKind::Csv, "a,b\n1,é\n".as_bytes()));
        assert!(!bytes_are(FileKind::Text, b"a\0b"));
        assert!(!bytes_are(FileKind::Text, &[0xff, 0xfe, 0x41]));
        assert!(!bytes_are(FileKind::Docx, b"PK\x03\x04 not really"));
        assert!(!bytes_are(FileKind::Xlsx, b"%PDF-1.4"));
    }
}
