//! Starting a signed-in session on a request, the same for every door that logs people in
//! (the login page and the API's `POST /api/v1/session`): one cookie, one way.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::{HttpMessage, HttpRequest};

use crate::{
    accounts::client_ip,
    errors::{AppError, AppResult},
    service::UserId,
    web::{
        csrf,
        session_store::{IP_KEY, USER_AGENT_KEY},
    },
};

/// Signs `user_id` in on this request: a new session id (no fixation), a new CSRF token
/// (returned), and the device details shown on the sessions page.
pub fn start_session(req: &HttpRequest, session: &Session, user_id: UserId) -> AppResult<String> {
    Identity::login(&req.extensions(), user_id.to_string())
        .map_err(|error| AppError::internal(anyhow::anyhow!("login failed: {error}")))?;
    let token = csrf::rotate(session)?;
    let agent: String = req
        .headers()
        .get("User-Agent")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    session.insert(USER_AGENT_KEY, agent)?;
    session.insert(IP_KEY, client_ip(req))?;
    Ok(token)
}

/// Ends the session on this request, the same for every door that logs people out: a
/// signed-in identity logs out (the server forgets the session, so a copy of the cookie is
/// worthless), a visitor's session is purged.
pub fn end_session(identity: Option<Identity>, session: &Session) {
    match identity {
        Some(identity) => identity.logout(),
        None => session.purge(),
    }
}
