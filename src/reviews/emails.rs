//! Review emails: the invitation when a stay completes and the reminder before the window
//! closes. Text is escaped in the HTML part by Askama; the plain-text part needs no escaping.

use askama::Template;
use diesel_async::AsyncPgConnection;

use crate::email;

#[derive(Template)]
#[template(path = "emails/review_invitation.txt")]
struct InvitationText<'a> {
    name: &'a str,
    title: &'a str,
    link: &'a str,
    closes: &'a str,
    reminder: bool,
}

#[derive(Template)]
#[template(path = "emails/review_invitation.html")]
struct InvitationHtml<'a> {
    name: &'a str,
    title: &'a str,
    link: &'a str,
    closes: &'a str,
    reminder: bool,
}

/// Queues an invitation (or reminder) to review `title`.
pub async fn invitation(
    conn: &mut AsyncPgConnection,
    to: &str,
    name: &str,
    title: &str,
    link: &str,
    closes: &str,
    reminder: bool,
) -> anyhow::Result<()> {
    let subject = if reminder {
        format!("Last days to review your stay at {title}")
    } else {
        format!("How was your stay at {title}?")
    };
    let message = email::compose(
        to,
        &subject,
        &InvitationText {
            name,
            title,
            link,
            closes,
            reminder,
        },
        &InvitationHtml {
            name,
            title,
            link,
            closes,
            reminder,
        },
    )?;
    email::send_later(conn, &message).await?;
    Ok(())
}
