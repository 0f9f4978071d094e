//! The CSRF token of a multipart form (uploads), read from the body's first part.
//!
//! Forms that upload files put a hidden `csrf_token` input first, and browsers send the parts in
//! the order of the form, so the token is within the first few hundred bytes. Only that prefix
//! is read (at most [`MAX_PREFIX`] bytes); it is then put back in front of the rest of the
//! stream, which is never buffered here, so the handler reads the upload as it was sent.

use actix_web::{
    Error, HttpMessage,
    dev::{Payload, ServiceRequest},
    web::{Bytes, BytesMut},
};
use futures_util::StreamExt;

use super::FIELD;

/// Most bytes read to find the token: a part's headers and a 43-character token fit easily.
const MAX_PREFIX: usize = 8 * 1024;

/// What the bytes read so far say about the first part.
#[derive(Debug, PartialEq, Eq)]
enum FirstPart {
    /// Not enough bytes yet.
    Incomplete,
    /// The first part is the token field, with this value.
    Token(String),
    /// The first part is something else (or the body is not multipart as declared).
    Other,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(req: &ServiceRequest) -> Option<String> {
    let mime = req.mime_type().ok()??;
    let boundary = mime.get_param(actix_web::mime::BOUNDARY)?.as_str();
    (!boundary.is_empty()).then(|| boundary.to_string())
}

/// Reads the token from the first part of the body and gives the handler the whole body back.
pub async fn read_token(req: &mut ServiceRequest, boundary: &str) -> Result<Option<String>, Error> {
    let mut payload = req.take_payload();
    let mut prefix = BytesMut::new();
    let mut found = FirstPart::Incomplete;
    while found == FirstPart::Incomplete && prefix.len() < MAX_PREFIX {
        match payload.next().await {
            Some(chunk) => {
                prefix.extend_from_slice(&chunk?);
                found = first_part(&prefix, boundary);
            }
            None => break,
        }
    }
    let prefix: Bytes = prefix.freeze();
    let rest = futures_util::stream::once(async move { Ok(prefix) }).chain(payload);
    req.set_payload(Payload::from(
        Box::pin(rest) as actix_http::BoxedPayloadStream
    ));
    Ok(match found {
        FirstPart::Token(token) => Some(token),
        FirstPart::Incomplete | FirstPart::Other => None,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Parses the first part of a multipart body from its beginning (RFC 7578 / RFC 2046).
fn first_part(body: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}");
    // The first delimiter opens the body or follows a preamble line.
    let Some(start) = find(body, delimiter.as_bytes()) else {
        return FirstPart::Incomplete;
    };
    if start != 0 && !body[..start].ends_with(b"\r\n") {
        return FirstPart::Other;
    }
    let after = &body[start + delimiter.len()..];
    let Some(line_end) = find(after, b"\r\n") else {
        return FirstPart::Incomplete;
    };
    let Some(headers_end) = find(&after[line_end + 2..], b"\r\n\r\n") else {
        return FirstPart::Incomplete;
    };
    let headers = &after[line_end + 2..line_end + 2 + headers_end];
    if !names_the_token(headers) {
        return FirstPart::Other;
    }
    let value = &after[line_end + 2 + headers_end + 4..];
    let Some(value_end) = find(value, format!("\r\n{delimiter}").as_bytes()) else {
        return FirstPart::Incomplete;
    };
    match std::str::from_utf8(&value[..value_end]) {
        Ok(token) => FirstPart::Token(token.to_string()),
        Err(_) => FirstPart::Other,
    }
}

/// Whether a part's headers describe the form field `csrf_token` (not a file).
fn names_the_token(headers: &[u8]) -> bool {
    let Ok(headers) = std::str::from_utf8(headers) else {
        return false;
    };
    headers.split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        if !name.trim().eq_ignore_ascii_case("content-disposition") {
            return false;
        }
        let mut params = value.split(';').map(str::trim);
        if !params
            .next()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("form-data"))
        {
            return false;
        }
        let mut is_token = false;
        for param in params {
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "name" => is_token = value == FIELD,
                "filename" | "filename*" => return false,
                _ => {}
            }
        }
        is_token
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "----roost42";

    fn body(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = String::new();
        for (headers, value) in parts {
            out.push_str(&format!("--{BOUNDARY}\r\n{headers}\r\n\r\n{value}\r\n"));
        }
        out.push_str(&format!("--{BOUNDARY}--\r\n"));
        out.into_bytes()
    }

    #[test]
    fn the_token_is_read_from_the_first_part() {
        let body = body(&[
            (
                "Content-Disposition: form-data; name=\"csrf_token\"",
                "abc-123",
            ),
            (
                "Content-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\nContent-Type: image/png",
                "PNG…",
            ),
        ]);
        assert_eq!(
            first_part(&body, BOUNDARY),
            FirstPart::Token("abc-123".into())
        );
    }

    #[test]
    fn a_token_after_the_file_or_in_a_file_part_does_not_count() {
        let late = body(&[
            (
                "Content-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"",
                "PNG",
            ),
            ("Content-Disposition: form-data; name=\"csrf_token\"", "abc"),
        ]);
        assert_eq!(first_part(&late, BOUNDARY), FirstPart::Other);
        let as_file = body(&[(
            "Content-Disposition: form-data; name=\"csrf_token\"; filename=\"t.txt\"",
            "abc",
        )]);
        assert_eq!(first_part(&as_file, BOUNDARY), FirstPart::Other);
    }

    #[test]
    fn a_cut_body_asks_for_more_bytes() {
        let body = body(&[("Content-Disposition: form-data; name=\"csrf_token\"", "abc")]);
        for cut in [0, 5, 20, 60, 70] {
            assert_eq!(
                first_part(&body[..cut], BOUNDARY),
                FirstPart::Incomplete,
                "cut at {cut}"
            );
        }
    }
}
