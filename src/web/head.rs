//! HEAD answers wherever GET does. actix-web's `web::get()` guard matches GET alone, so every
//! route would need a HEAD twin; instead the request reaches the routes as a GET, and the
//! HTTP codec, which saw the request's real method, sends the headers without the body.

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};

pub async fn serve_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
