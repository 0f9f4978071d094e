//! One-time messages shown on the next page ("Your profile was saved."), kept in the session.

use actix_session::Session;
use serde::{Deserialize, Serialize};

const SESSION_KEY: &str = "flash";

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

impl FlashKind {
    pub fn css(&self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Info => "info",
            FlashKind::Error => "error",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

/// Queues a message for the next page.
pub fn push(session: &Session, kind: FlashKind, message: impl Into<String>) {
    let mut flashes: Vec<Flash> = session.get(SESSION_KEY).ok().flatten().unwrap_or_default();
    flashes.push(Flash {
        kind,
        message: message.into(),
    });
    if let Err(error) = session.insert(SESSION_KEY, flashes) {
        tracing::warn!(%error, "could not store a flash message");
    }
}

/// Takes the queued messages (they are shown once).
pub fn take(session: &Session) -> Vec<Flash> {
    match session.remove_as::<Vec<Flash>>(SESSION_KEY) {
        Some(Ok(flashes)) => flashes,
        _ => Vec::new(),
    }
}
