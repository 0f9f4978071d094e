//! One convention for query strings, applied to every `/api/v1` request before its endpoint
//! runs: a parameter sent with an empty value (`?check_in=`) is refused with a 422 naming it.
//! The HTML forms read an empty field as "not given" (a browser sends every field); a program
//! that sends `check_in=` has a bug worth hearing about, and leaving the parameter out says
//! "not given" unambiguously.

use actix_web::{
    Error,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::StatusCode,
    middleware::Next,
};

use super::problem::{FieldError, Problem};

/// The names of the parameters of `query` that are present with an empty value, each once.
pub fn empty_parameters(query: &str) -> Vec<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for (name, value) in pairs {
        if value.trim().is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Middleware: a 422 problem for a request with empty parameters, naming each.
pub async fn refuse_empty_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let empty = empty_parameters(req.query_string());
    if empty.is_empty() || !super::fallback::routed(req.method(), req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let problem = Problem::fields(
        StatusCode::UNPROCESSABLE_ENTITY,
        empty
            .into_iter()
            .map(|field| FieldError {
                field,
                message: "Empty: leave the parameter out, or give it a value.".into(),
            })
            .collect(),
    );
    Ok(req.into_response(problem.response()).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::empty_parameters;

    #[test]
    fn only_parameters_present_with_nothing_in_them_are_empty() {
        assert_eq!(
            empty_parameters("location=Lisbon&check_in=&guests=%20&check_in="),
            vec!["check_in".to_string(), "guests".to_string()]
        );
        assert!(empty_parameters("location=Lisbon&amenities=wifi").is_empty());
        assert!(empty_parameters("").is_empty());
    }
}
