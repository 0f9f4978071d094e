//! Request bodies of the JSON API: `application/json` only (415 otherwise), at most
//! [`BODY_LIMIT`] bytes (413), and decoded into types that refuse unknown fields
//! (`#[serde(deny_unknown_fields)]`), so that nobody can slip `host_id`, `status`, `price` or
//! `role` into a request and have it taken. A body that does not decode is a 422 naming the
//! field at fault, as the request spelt it (and a 422 too when it is not JSON at all).

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::StatusCode};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// Largest JSON body accepted (API bodies are small; photos are multipart).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body of type `T`.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether the content type is JSON (`application/json`, or `application/…+json`).
fn is_json(req: &HttpRequest) -> bool {
    let content_type = req.content_type().to_ascii_lowercase();
    content_type == "application/json"
        || (content_type.starts_with("application/") && content_type.ends_with("+json"))
}

/// Decodes a whole body into `T`: an object, valid JSON to its end, with the fields `T` knows.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every request body of the API is an object; serde would also read a struct from an
    // array of its fields in order (`[null, null]`), which no client means.
    if body
        .trim_ascii_start()
        .first()
        .is_some_and(|first| *first != b'{')
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The body must be a JSON object ({…}).",
        ));
    }
    let mut decoder = serde_json::Deserializer::from_slice(body);
    let value: T =
        serde_path_to_error::deserialize(&mut decoder).map_err(|error| decoding_error(&error))?;
    decoder.end().map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The body is not valid JSON: {error}."),
        )
    })?;
    Ok(value)
}

/// The field a decoding error is about and what to say there.
fn decoding_error(error: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = error.inner();
    let message = inner.to_string();
    // Strip serde_json's " at line 1 column 12": the field is named instead.
    let message = match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message,
    };
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        let path = error.path().to_string();
        let field = match path.as_str() {
            "." | "" => unknown.to_string(),
            // The path may already end at the unknown key.
            known if known == unknown || known.ends_with(&format!(".{unknown}")) => {
                known.to_string()
            }
            parent => format!("{parent}.{unknown}"),
        };
        return ApiError::field(field, "This field is not accepted here.");
    }
    // 422 like every other refusal of a body, so that each endpoint's documented answers
    // cover it (400 is left to what HTTP itself cannot parse).
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The body is not valid JSON: {message}."),
        );
    }
    let path = error.path().to_string();
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = match path.as_str() {
            "." | "" => missing.to_string(),
            parent => format!("{parent}.{missing}"),
        };
        return ApiError::field(field, "This field is required.");
    }
    let field = match path.as_str() {
        "." | "" => "body".to_string(),
        path => path.to_string(),
    };
    ApiError::field(field, format!("Wrong value: {message}."))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON, with Content-Type: application/json.",
                ));
            }
            let too_large = || {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("The body is over {} KiB.", BODY_LIMIT / 1024),
                )
            };
            if declared.is_some_and(|length| length > BODY_LIMIT) {
                return Err(too_large());
            }
            let mut body = actix_web::web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::new(StatusCode::BAD_REQUEST, "The body could not be read.")
                })?;
                if body.len() + chunk.len() > BODY_LIMIT {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            let value = decode(&body)?;
            Ok(Json(value))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code)]
    struct Login {
        email: String,
        password: String,
    }

    fn error_of(body: &str) -> (u16, Vec<String>, String) {
        let problem = match decode::<Login>(body.as_bytes()) {
            Ok(_) => panic!("{body} should be refused"),
            Err(error) => error.0,
        };
        (
            problem.status,
            problem.errors.iter().map(|e| e.field.clone()).collect(),
            problem.detail,
        )
    }

    #[test]
    fn an_unknown_field_is_named() {
        let (status, fields, _) = error_of(r#"{"email":"a@b.c","password":"x","role":"admin"}"#);
        assert_eq!((status, fields), (422, vec!["role".to_string()]));
    }

    #[test]
    fn a_missing_or_mistyped_field_is_named_and_bad_json_is_422_too() {
        let (status, fields, _) = error_of(r#"{"email":"a@b.c"}"#);
        assert_eq!((status, fields), (422, vec!["password".to_string()]));
        let (status, fields, _) = error_of(r#"{"email":5,"password":"x"}"#);
        assert_eq!((status, fields), (422, vec!["email".to_string()]));
        let (status, _, _) = error_of(r#"{"email":"#);
        assert_eq!(status, 422);
        let (status, _, detail) = error_of(r#"["a@b.c", "x"]"#);
        assert_eq!(status, 422);
        assert!(detail.contains("JSON object"), "{detail}");
    }
}
