//! `/host/listings…`: the pages where hosts manage their listings. Every page needs a signed-in,
//! verified host ([`Host`]); every listing is loaded through [`owned`], so another host's id
//! answers 404 whatever the action.

mod calendar;
mod edit;
mod photos;

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, error::InternalError, web};
use diesel_async::AsyncPgConnection;

use super::model::{self, Listing};
use crate::{
    accounts::{CurrentUser, SignedIn},
    errors::{AppError, AppResult},
    web::forms,
};

/// Extractor for host pages: visitors are sent to log in, signed-in users who are not (yet)
/// verified hosts to `/host`, which explains how to become one.
pub struct Host(pub CurrentUser);

impl FromRequest for Host {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            let SignedIn(user) = signed_in.await?;
            if user.is_host && user.email_verified {
                Ok(Host(user))
            } else {
                Err(InternalError::from_response("hosts only", forms::see_other("/host")).into())
            }
        })
    }
}

/// The host's listing `id`; `AppError::NotFound` for anyone else's (ids cannot be probed).
pub async fn owned(
    conn: &mut AsyncPgConnection,
    id: i64,
    host: &CurrentUser,
) -> AppResult<Listing> {
    model::find_owned(conn, id, host.id)
        .await?
        .ok_or(AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    edit::configure(cfg);
    photos::configure(cfg);
    calendar::configure(cfg);
}
