//! The account emails: each an HTML and a plain-text Askama template, queued as a job in the
//! transaction of the change that causes it.

use askama::Template;
use diesel_async::AsyncPgConnection;

use crate::{
    email,
    service::{ServiceError, ServiceResult},
};

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

async fn queue(conn: &mut AsyncPgConnection, message: email::Email) -> ServiceResult<()> {
    email::send_later(conn, &message).await?;
    Ok(())
}

/// "Confirm your email address" with the verification link.
pub async fn verification(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    link: &str,
) -> ServiceResult<()> {
    let message = email::compose(
        to,
        "Confirm your email address for Roost",
        &VerifyText { name, link },
        &VerifyHtml { name, link },
    )
    .map_err(ServiceError::internal)?;
    queue(conn, message).await
}

/// "Reset your password" with the reset link.
pub async fn password_reset(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    link: &str,
) -> ServiceResult<()> {
    let message = email::compose(
        to,
        "Reset your Roost password",
        &ResetText { name, link },
        &ResetHtml { name, link },
    )
    .map_err(ServiceError::internal)?;
    queue(conn, message).await
}

/// A short security notice ("your password was changed").
pub async fn notice(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    subject: &str,
    message: &str,
) -> ServiceResult<()> {
    let composed = email::compose(
        to,
        subject,
        &NoticeText { name, message },
        &NoticeHtml { name, message },
    )
    .map_err(ServiceError::internal)?;
    queue(conn, composed).await
}

#[derive(Template)]
#[template(path = "emails/account_notice.txt")]
struct AccountNoticeText<'a> {
    name: &'a str,
    message: &'a str,
    action: Option<(&'a str, &'a str)>,
    closing: &'a str,
}

#[derive(Template)]
#[template(path = "emails/account_notice.html")]
struct AccountNoticeHtml<'a> {
    name: &'a str,
    message: &'a str,
    action: Option<(&'a str, &'a str)>,
    closing: &'a str,
}

/// What an account notice says: a message, an optional link (label, URL), a closing line.
pub struct AccountNotice<'a> {
    pub subject: &'a str,
    pub message: &'a str,
    pub action: Option<(&'a str, &'a str)>,
    pub closing: &'a str,
}

/// A notice about the account that may carry a link (undo an address change, log in).
pub async fn account_notice(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    notice: AccountNotice<'_>,
) -> ServiceResult<()> {
    let AccountNotice {
        subject,
        message,
        action,
        closing,
    } = notice;
    let composed = email::compose(
        to,
        subject,
        &AccountNoticeText {
            name,
            message,
            action,
            closing,
        },
        &AccountNoticeHtml {
            name,
            message,
            action,
            closing,
        },
    )
    .map_err(ServiceError::internal)?;
    queue(conn, composed).await
}
