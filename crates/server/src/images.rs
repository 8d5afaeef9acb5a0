//! Images on the customer's side. Uploads are decoded within limits and encoded again, so
//! only clean pictures are stored and reach a console (junk after the signature, a polyglot,
//! metadata and a "pixel flood" do not). Messages store their images inline as data: URLs;
//! the page is sent a URL for each instead (`/api/chats/{chat}/images/{message}/{n}`,
//! opened by the chat's token like every chat route), so a socket or an answer never
//! carries megabytes and the browser caches each picture.

use super::AppState;
use super::auth::ChatAccess;
use super::error::ApiError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use livewindow_core::limits;
use std::io::Cursor;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

/// The attribute our HTML writers give an inline image (`richtext::html_out` and the
/// upload below). Text and attribute values are stored with `"` escaped, so this appears
/// only inside an `<img>` tag.
const DATA_SRC: &str = "src=\"data:";

/// Byte ranges of the data: URLs of `html`'s images, in order.
fn data_urls(html: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + html.get(from..)?.find(DATA_SRC)?;
        let start = at + "src=\"".len();
        let len = html[start..].find('"')?;
        from = start + len;
        Some(start..start + len)
    })
}

/// `html` with each inline image replaced by its URL on this server.
pub fn by_reference(chat_id: i64, message_id: i64, html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(64 * 1024));
    let mut copied = 0;
    for (n, range) in data_urls(html).enumerate() {
        out.push_str(&html[copied..range.start]);
        out.push_str(&format!("/api/chats/{chat_id}/images/{message_id}/{n}"));
        copied = range.end;
    }
    out.push_str(&html[copied..]);
    out
}

/// The `n`th inline image of `html`: its type and bytes, if it is one the page shows.
fn nth_image(html: &str, n: usize) -> Option<(&'static str, Vec<u8>)> {
    let range = data_urls(html).nth(n)?;
    let url = data_url::DataUrl::process(&html[range]).ok()?;
    let mime = match url.mime_type().subtype.as_str() {
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    };
    if url.mime_type().type_ != "image" {
        return None;
    }
    let (bytes, _) = url.decode_to_vec().ok()?;
    Some((mime, bytes))
}

/// GET `/api/chats/{id}/images/{message}/{n}`: one picture of one of this chat's messages.
/// A message never changes, so the answer is cached for good and revalidated by an ETag
/// without touching the database.
pub async fn serve(
    State(state): State<AppState>,
    access: ChatAccess,
    Path((_, message_id, n)): Path<(i64, i64, usize)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let etag = format!("\"m{message_id}-{n}\"");
    let cache = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let gone = || ApiError::new(StatusCode::NOT_FOUND, "There is no such picture.");
    let image = {
        let _reading = state.heavy.acquire().await.map_err(|_| {
            ApiError::from(livewindow_core::StoreError::Unavailable(
                "the server is shutting down".into(),
            ))
        })?;
        let m = state.store.message(message_id).await?;
        if m.chat_id != access.chat_id || m.internal {
            return Err(gone());
        }
        nth_image(&m.body_html, n)
    };
    let (mime, bytes) = image.ok_or_else(gone)?;
    // What a slow reader can make this process hold is bounded: the bytes wait for room.
    let mib = u32::try_from(bytes.len().div_ceil(1024 * 1024).max(1)).unwrap_or(u32::MAX);
    let permit = tokio::time::timeout(
        Duration::from_secs(10),
        state.in_flight.clone().acquire_many_owned(mib),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The chat service is busy for a moment. Please try again in a few seconds.",
        )
    })?;
    let length = bytes.len();
    let bytes = axum::body::Bytes::from(bytes);
    let chunks = (0..bytes.len())
        .step_by(64 * 1024)
        .map(move |at| bytes.slice(at..(at + 64 * 1024).min(bytes.len())))
        .collect::<Vec<_>>();
    let body = futures::stream::iter(chunks).map(move |chunk| {
        let _held = &permit;
        Ok::<_, std::convert::Infallible>(chunk)
    });
    let mut response = (cache, Body::from_stream(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(response)
}

/// A customer's picture, cleaned: its new bytes and type.
pub struct Cleaned {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// Why an upload was refused, as the sentence the page shows.
pub fn not_a_picture() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "That file is not a picture we can show. Send a PNG, JPEG, GIF or WebP image.",
    )
}

/// Decodes `bytes` within the pixel and memory limits, then encodes the picture again
/// (PNG, or JPEG for photos), so nothing but pixels is kept. Runs on a blocking thread,
/// one at a time per process.
pub async fn clean(state: &AppState, bytes: axum::body::Bytes) -> Result<Cleaned, ApiError> {
    let _decoding = state
        .decoding
        .acquire()
        .await
        .map_err(|_| not_a_picture())?;
    tokio::task::spawn_blocking(move || clean_now(&bytes))
        .await
        .map_err(|_| not_a_picture())?
}

fn clean_now(bytes: &[u8]) -> Result<Cleaned, ApiError> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP)) => f,
        _ => return Err(not_a_picture()),
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "That picture is too large to open; please send a smaller one.",
        )
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Only the header is read here; the limits are checked below with our own words.
    reader.no_limits();
    let mut decoder = reader.into_decoder().map_err(|_| not_a_picture())?;
    let (w, h) = decoder.dimensions();
    limits::check_image_pixels(w, h).map_err(|e| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            super::error::sentence(&format!("{e}; please send a smaller one")),
        )
    })?;
    if decoder.total_bytes() > limits::IMAGE_DECODED_BYTES {
        return Err(too_large());
    }
    let mut decode_limits = image::Limits::default();
    decode_limits.max_alloc = Some(limits::IMAGE_DECODED_BYTES);
    decoder.set_limits(decode_limits).map_err(|_| too_large())?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(),
        _ => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "That picture is damaged or incomplete; please send it again.",
        ),
    })?;
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    let photo = format == ImageFormat::Jpeg
        || (format == ImageFormat::WebP && !picture.color().has_alpha());
    let mut out = Cursor::new(Vec::new());
    let encoded = if photo {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        picture.to_rgb8().write_with_encoder(encoder)
    } else {
        picture.write_to(&mut out, ImageFormat::Png)
    };
    encoded.map_err(|e| {
        tracing::warn!(error = %e, "image encode");
        not_a_picture()
    })?;
    let bytes = out.into_inner();
    if bytes.len() > limits::IMAGE_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "That picture is larger than {} MB once prepared for the chat; please send a smaller one.",
                limits::IMAGE_BYTES / 1_048_576
            ),
        ));
    }
    Ok(Cleaned {
        bytes,
        mime: if photo { "image/jpeg" } else { "image/png" },
    })
}

/// Shared semaphores of the image paths, made once per process.
pub fn semaphores() -> (
    Arc<tokio::sync::Semaphore>,
    Arc<tokio::sync::Semaphore>,
    Arc<tokio::sync::Semaphore>,
) {
    use tokio::sync::Semaphore;
    (
        Arc::new(Semaphore::new(limits::HEAVY_READS_AT_ONCE)),
        Arc::new(Semaphore::new(limits::IMAGE_DECODES_AT_ONCE)),
        Arc::new(Semaphore::new(limits::IMAGE_MIB_IN_FLIGHT)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_references_and_back() {
        let html = "<p>a src=&quot;data:x&quot;</p><p><img src=\"data:image/png;base64,iVBO\" \
                    alt=\"one\"></p><img src=\"data:image/gif;base64,R0lG\" alt=\"two\">";
        let out = by_reference(7, 42, html);
        assert_eq!(
            out,
            "<p>a src=&quot;data:x&quot;</p><p><img src=\"/api/chats/7/images/42/0\" \
             alt=\"one\"></p><img src=\"/api/chats/7/images/42/1\" alt=\"two\">"
        );
        assert_eq!(nth_image(html, 1).map(|(m, _)| m), Some("image/gif"));
        assert!(nth_image(html, 2).is_none());
        assert!(nth_image("<img src=\"data:text/html;base64,PGI+\">", 0).is_none());
        assert_eq!(by_reference(1, 2, "<p>no images</p>"), "<p>no images</p>");
    }
}
