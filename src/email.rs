//! Email: messages are composed from Askama templates (an HTML and a plain-text part), queued
//! as a [`SendEmail`] job in the caller's transaction, and delivered by a worker through the
//! [`Mailer`] (SMTP, or the development mailbox when no SMTP server is configured).
//!
//! Nothing sends email inline: a request never waits on (or fails because of) the mail server,
//! and an outage only delays delivery.

pub mod mailbox;
mod mailer;

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};

pub use mailer::{Mailer, smtp_may_travel_in_clear};

use crate::jobs::{self, Job, JobContext};

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders both parts of a message.
pub fn compose(
    to: &str,
    subject: &str,
    text: &impl askama::Template,
    html: &impl askama::Template,
) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.to_string(),
        subject: subject.to_string(),
        text: text.render()?,
        html: html.render()?,
    })
}

/// Queues `email` for delivery; it is sent only if the caller's transaction commits.
pub async fn send_later(conn: &mut AsyncPgConnection, email: &Email) -> diesel::QueryResult<()> {
    jobs::enqueue(conn, &SendEmail(email.clone())).await?;
    Ok(())
}

/// Delivers one email. Retried on failure; a mail server that accepted the message but whose
/// answer was lost may see it twice, which is the usual at-least-once trade of email.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SendEmail(pub Email);

impl Job for SendEmail {
    const KIND: &'static str = "send_email";
    // With the default 10 s backoff base, twelve attempts keep trying for about four hours,
    // long enough to ride out a typical mail-server outage.
    const MAX_ATTEMPTS: i32 = 12;

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        ctx.mailer.deliver(&self.0).await
    }
}
