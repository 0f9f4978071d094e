//! Accounts: sign-up, email verification, login and logout, password recovery, the profile,
//! email address changes (and their undo), password and session management, becoming a host
//! and deleting the account.
//!
//! `model` and `domain` hold the rows and checked values, `service` (with `email_change`,
//! `deletion` and `reauth`) the rules, each function checking its actor; `forms` parses raw
//! input, `emails` and `tokens` the emailed links; `html` is the HTML door, with the signed-in
//! user of a request and the extractors built on it (re-exported here: every page uses them);
//! `admin` is the admin console's door to accounts (`/admin/users…`, see [`crate::admin`]),
//! `api` the JSON door (the session), and `signin` starts a session for both the HTML and the
//! JSON doors.

pub mod admin;
mod api;
pub mod domain;
pub mod emails;
pub mod forms;
pub mod graphql;
mod html;
pub mod model;
pub mod passwords;
pub mod security_log;
pub mod service;
pub mod signin;
pub mod tokens;
pub mod upload;

// Paths from before the rules moved into `service`.
pub use service::{deletion, email_change, reauth};

pub use html::current::{CurrentUser, SignedIn, client_ip, current_user, initial_of};

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    html::configure(cfg);
}

/// The JSON door's endpoints (`/api/v1/session`), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
