//! The account emails: each an HTML and a plain-text Askama template, queued as a job in the
//! transaction of the change that causes it.

use askama::Template;
use diesel_async::AsyncPgConnection;

use crate::{email, errors::AppError};

#[derive(Template)]
#[template(path = "emails/verify_email.txt")]
struct VerifyText<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/verify_email.html")]
struct VerifyHtml<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/reset_password.txt")]
struct ResetText<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/reset_password.html")]
struct ResetHtml<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/notice.txt")]
struct NoticeText<'a> {
    name: &'a str,
    message: &'a str,
}

#[derive(Template)]
#[template(path = "emails/notice.html")]
struct NoticeHtml<'a> {
    name: &'a str,
    message: &'a str,
}

async fn queue(conn: &mut AsyncPgConnection, message: email::Email) -> Result<(), AppError> {
    email::send_later(conn, &message).await?;
    Ok(())
}

/// "Confirm your email address" with the verification link.
pub async fn verification(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    link: &str,
) -> Result<(), AppError> {
    let message = email::compose(
        to,
        "Confirm your email address for Roost",
        &VerifyText { name, link },
        &VerifyHtml { name, link },
    )?;
    queue(conn, message).await
}

/// "Reset your password" with the reset link.
pub async fn password_reset(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    link: &str,
) -> Result<(), AppError> {
    let message = email::compose(
        to,
        "Reset your Roost password",
        &ResetText { name, link },
        &ResetHtml { name, link },
    )?;
    queue(conn, message).await
}

/// A short security notice ("your password was changed").
pub async fn notice(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    subject: &str,
    message: &str,
) -> Result<(), AppError> {
    let composed = email::compose(
        to,
        subject,
        &NoticeText { name, message },
        &NoticeHtml { name, message },
    )?;
    queue(conn, composed).await
}
