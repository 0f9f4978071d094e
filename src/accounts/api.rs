//! The API door of accounts, each endpoint over the same service as its page (so the same
//! throttles, security log and rules): the session ([`session`]: `/api/v1/session`), signing
//! up and the emailed links ([`signup`]: `/api/v1/users`, `/api/v1/email-verification`,
//! `/api/v1/password-reset…`), the signed-in user's own account ([`profile`]: `/api/v1/me`,
//! its avatar, becoming a host, deletion) and its security ([`security`]: password and
//! sessions under `/api/v1/me`).
//!
//! Visitors' flows are top-level nouns (a sign-up is `POST /users`; a link from an email is
//! posted with its `token` to the resource it acts on); what a member does to their own
//! account is under `/me`.

mod profile;
mod security;
mod session;
mod signup;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{self, User};

/// The signed-in user's own account.
#[derive(Serialize, ToSchema)]
pub struct ProfileAnswer {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub email_verified: bool,
    pub is_host: bool,
    pub member_since: DateTime<Utc>,
}

impl From<User> for ProfileAnswer {
    fn from(user: User) -> Self {
        ProfileAnswer {
            id: user.id.get(),
            avatar_url: model::avatar_url(&user.avatar_key),
            email_verified: user.is_verified(),
            is_host: user.is_host,
            member_since: user.created_at,
            name: user.name,
            email: user.email,
            bio: user.bio,
        }
    }
}

/// What was done, for people, when the answer has nothing else to say (or must not say more:
/// a sign-up and a reset request answer alike whether or not the address has an account).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"detail": "Check your inbox: we sent a message to ana@example.com."}))]
pub struct Notice {
    pub detail: String,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    session::configure(cfg);
    signup::configure(cfg);
    profile::configure(cfg);
    security::configure(cfg);
}
