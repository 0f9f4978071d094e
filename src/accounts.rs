//! Accounts: sign-up, email verification, login and logout, password recovery, the profile,
//! email address changes (and their undo), password and session management, becoming a host
//! and deleting the account.
//!
//! `model` and `domain` hold the rows and checked values, `service` (with `email_change`,
//! `deletion` and `reauth`) the rules, each function checking its actor; `forms` parses raw
//! input, `emails` and `tokens` the emailed links; `html` is the HTML door. This file keeps the
//! signed-in user of a request and the extractors built on it.

pub mod deletion;
pub mod domain;
pub mod email_change;
pub mod emails;
pub mod forms;
mod hosting;
mod html;
pub mod model;
pub mod passwords;
pub mod reauth;
pub mod security_log;
pub mod service;
pub mod tokens;

use std::{future::Future, pin::Pin};

use actix_identity::IdentityExt;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use diesel::{OptionalExtension, QueryDsl};
use diesel_async::RunQueryDsl;

use crate::{
    errors::{AppError, AppResult},
    schema::users,
    service::{Actor, Member, UserId},
    web::AppState,
};

/// The signed-in user as pages see it.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub is_host: bool,
    pub is_admin: bool,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
}

impl CurrentUser {
    /// This user as the services' acting party (the session already ended for suspended and
    /// deleted accounts, so the member is active).
    pub fn actor(&self) -> Actor {
        Actor::Member(Member {
            id: UserId::new(self.id),
            is_host: self.is_host,
            is_admin: self.is_admin,
            email_verified: self.email_verified,
            suspended: false,
        })
    }

    /// First letter of the name, for the avatar placeholder.
    pub fn initial(&self) -> String {
        initial_of(&self.name)
    }
}

/// The first letter of a name, upper-cased, for avatar placeholders.
pub fn initial_of(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

type UserRow = (
    i64,
    String,
    bool,
    bool,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// The signed-in user of this request, if any (one query, cached for the request). A session
/// whose user is gone, deleted or suspended is ended on the spot.
pub async fn current_user(req: &HttpRequest, state: &AppState) -> AppResult<Option<CurrentUser>> {
    if let Some(user) = req.extensions().get::<CurrentUser>() {
        return Ok(Some(user.clone()));
    }
    let Ok(identity) = req.get_identity() else {
        return Ok(None);
    };
    let Some(user_id) = identity.id().ok().and_then(|id| id.parse::<i64>().ok()) else {
        identity.logout();
        return Ok(None);
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let row: Option<UserRow> = users::table
        .find(user_id)
        .select((
            users::id,
            users::name,
            users::is_host,
            users::is_admin,
            users::email_verified_at,
            users::avatar_key,
            users::suspended_at,
            users::deleted_at,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let user = match row {
        Some((id, name, is_host, is_admin, verified, avatar, None, None)) => CurrentUser {
            id,
            name,
            is_host,
            is_admin,
            email_verified: verified.is_some(),
            avatar_url: model::avatar_url(&avatar),
        },
        _ => {
            identity.logout();
            return Ok(None);
        }
    };
    req.extensions_mut().insert(user.clone());
    Ok(Some(user))
}

/// The acting party of this request, for services: the signed-in member, else a visitor.
impl FromRequest for Actor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?
                .clone();
            Ok(match current_user(&req, &state).await? {
                Some(user) => user.actor(),
                None => Actor::Visitor,
            })
        })
    }
}

/// Extractor for pages that need a signed-in user: anyone else is sent to the login page,
/// which brings them back afterwards.
pub struct SignedIn(pub CurrentUser);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?
                .clone();
            match current_user(&req, &state).await? {
                Some(user) => Ok(SignedIn(user)),
                None => {
                    let next = match req.query_string() {
                        "" => req.path().to_string(),
                        query => format!("{}?{query}", req.path()),
                    };
                    Err(AppError::SignInRequired { next })
                }
            }
        })
    }
}

/// The client's address as seen by this server (a proxy's `X-Forwarded-For` is not trusted:
/// anyone can send it, and throttling must not be that easy to dodge).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    html::configure(cfg);
    hosting::configure(cfg);
}
