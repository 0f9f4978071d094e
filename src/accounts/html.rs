//! The HTML door of accounts: the pages and forms. Handlers extract input (forms, the session,
//! the client's address, multipart uploads), call one service function and render; the
//! service's refusals come back as the messages beside the fields, as before.

pub mod current;
mod login;
mod profile;
mod recovery;
mod security;
mod signup;
mod undo;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    signup::configure(cfg);
    login::configure(cfg);
    recovery::configure(cfg);
    profile::configure(cfg);
    security::configure(cfg);
    undo::configure(cfg);
}
