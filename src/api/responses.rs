//! Problem answers that read the same on every endpoint that has them, declared once for the
//! OpenAPI document: those of a JSON request body ([`BodyProblems`]).

use utoipa::IntoResponses;

use super::Problem;

/// What the [`Json`](super::Json) extractor answers for a body it cannot take.
#[derive(IntoResponses)]
#[allow(dead_code)] // It only describes answers in the OpenAPI document.
pub enum BodyProblems {
    #[response(
        status = 413,
        description = "The body is over 64 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not JSON (Content-Type: application/json); a body that says it is JSON but is not is a 422",
        content_type = "application/problem+json"
    )]
    WrongType(Problem),
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoints_with_a_json_body_document_its_problems() {
        let document = serde_json::to_value(crate::api::docs::openapi()).expect("json");
        let responses = &document["paths"]["/api/v1/host/listings"]["post"]["responses"];
        for status in ["413", "415", "422"] {
            assert_eq!(
                responses[status]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{status}: {responses}"
            );
        }
    }
}
