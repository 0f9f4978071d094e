//! Accounts: who is signed in. Sign-up, login and the rest of the account pages arrive with the
//! accounts feature; the foundation provides the signed-in user type and logout.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::{errors::AppResult, web::AppState};

/// The signed-in user as pages see it.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub is_host: bool,
    pub is_admin: bool,
}

impl CurrentUser {
    /// First letter of the name, for the avatar placeholder.
    pub fn initial(&self) -> String {
        self.name
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default()
    }
}

/// The signed-in user of this request, if any.
pub async fn current_user(_req: &HttpRequest, _state: &AppState) -> AppResult<Option<CurrentUser>> {
    Ok(None)
}

async fn logout(identity: Option<Identity>, session: Session) -> HttpResponse {
    match identity {
        Some(identity) => identity.logout(),
        None => session.purge(),
    }
    HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .finish()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/logout", web::post().to(logout));
}
