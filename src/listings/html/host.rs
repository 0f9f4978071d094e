//! `/host…`: the pages where hosts manage their listings, and `/host` itself (the dashboard,
//! or how to become a host). Every page asks one service function, which checks who is acting
//! (a verified host, and the listing theirs); [`door`] turns its refusals into what a browser
//! expects: visitors go to log in and come back, members who are not (yet) verified hosts go to
//! `/host`, which explains how to become one, and another host's listing is a 404.

mod calendar;
mod dashboard;
mod listings;
mod photos;

use actix_web::{HttpRequest, error::InternalError, web};

use crate::{
    db::DbConn,
    errors::AppError,
    service::ServiceError,
    web::{AppState, forms},
};

/// A connection, its failure answered as a page.
pub(super) async fn connection(state: &AppState) -> Result<DbConn, AppError> {
    Ok(crate::db::connection(&state.pool).await?)
}

/// The HTML answer to a service's refusal on a host page.
pub(super) fn door(req: &HttpRequest) -> impl Fn(ServiceError) -> actix_web::Error + '_ {
    move |error| match error {
        ServiceError::SignInRequired => AppError::SignInRequired {
            next: match req.query_string() {
                "" => req.path().to_string(),
                query => format!("{}?{query}", req.path()),
            },
        }
        .into(),
        ServiceError::NotAllowed(_) => {
            InternalError::from_response("hosts only", forms::see_other("/host")).into()
        }
        other => AppError::from(other).into(),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    dashboard::configure(cfg);
    listings::configure(cfg);
    photos::configure(cfg);
    calendar::configure(cfg);
}
