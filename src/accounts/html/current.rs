//! The signed-in user of a request, read once from the session cookie and the database, and the
//! extractors built on it: [`Actor`] for services, [`SignedIn`] for pages that need a user.

use std::{future::Future, pin::Pin};

use crate::{
    accounts::model,
    errors::{AppError, AppResult},
    service::{Actor, Member, UserId},
    web::AppState,
};
use actix_identity::IdentityExt;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

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
    let active = model::find_active(&mut conn, UserId::new(user_id)).await?;
    let Some(active) = active else {
        identity.logout();
        return Ok(None);
    };
    let user = CurrentUser {
        id: active.id,
        name: active.name,
        is_host: active.is_host,
        is_admin: active.is_admin,
        email_verified: active.email_verified_at.is_some(),
        avatar_url: model::avatar_url(&active.avatar_key),
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
