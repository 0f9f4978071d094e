//! Delivery: SMTP through lettre when `ROOST_SMTP_URL` is set, otherwise an `INSERT` into the
//! development mailbox (shown at `/dev/mailbox`).

use std::{net::IpAddr, time::Duration};

use anyhow::Context as _;
use diesel::ExpressionMethods;
use diesel_async::RunQueryDsl;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use super::Email;
use crate::{
    config::Config,
    db::{self, DbPool},
    schema::dev_mailbox,
};

/// How long one SMTP conversation may take before the job fails (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Delivers emails. Built once per process and shared by the workers.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    DevMailbox(DbPool),
}

impl Mailer {
    /// SMTP when `config.smtp_url` is set, otherwise the development mailbox in `pool`.
    pub fn from_config(config: &Config, pool: DbPool) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.email_from.parse().with_context(|| {
            format!(
                "ROOST_EMAIL_FROM: `{}` is not an address like `Roost <no-reply@example.com>`",
                config.email_from
            )
        })?;
        let transport = match &config.smtp_url {
            Some(url) => {
                // The error never quotes the URL: it may hold the SMTP password.
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&secure_url(url))
                    .context("ROOST_SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Transport::Smtp(transport)
            }
            None => Transport::DevMailbox(pool),
        };
        Ok(Mailer { from, transport })
    }

    /// Whether messages leave the machine (false: the development mailbox).
    pub fn uses_smtp(&self) -> bool {
        matches!(self.transport, Transport::Smtp(_))
    }

    /// Sends `email`; an `Err` makes the job retry. Counted for `/metrics`.
    pub async fn deliver(&self, email: &Email) -> anyhow::Result<()> {
        use crate::web::metrics::{EMAILS_FAILED, EMAILS_SENT};
        let outcome = self.deliver_once(email).await;
        match &outcome {
            Ok(()) => EMAILS_SENT.add(1),
            Err(_) => EMAILS_FAILED.add(1),
        }
        outcome
    }

    async fn deliver_once(&self, email: &Email) -> anyhow::Result<()> {
        // Parsed in both modes, so that development catches an address SMTP would refuse.
        let to: Mailbox = email
            .to
            .parse()
            .with_context(|| format!("`{}` is not a valid recipient address", email.to))?;
        match &self.transport {
            Transport::Smtp(transport) => {
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(email.subject.as_str())
                    .multipart(MultiPart::alternative_plain_html(
                        email.text.clone(),
                        email.html.clone(),
                    ))
                    .context("cannot build the email message")?;
                transport
                    .send(message)
                    .await
                    .context("the SMTP server did not accept the message")?;
            }
            Transport::DevMailbox(pool) => {
                let mut conn = db::connection(pool).await?;
                diesel::insert_into(dev_mailbox::table)
                    .values((
                        dev_mailbox::to_address.eq(to.to_string()),
                        dev_mailbox::from_address.eq(self.from.to_string()),
                        dev_mailbox::subject.eq(&email.subject),
                        dev_mailbox::text_body.eq(&email.text),
                        dev_mailbox::html_body.eq(&email.html),
                    ))
                    .execute(&mut conn)
                    .await
                    .context("cannot store the email in the development mailbox")?;
            }
        }
        tracing::info!(subject = %email.subject, "email delivered");
        Ok(())
    }
}

/// lettre sends `smtp://` URLs without `tls=` in clear text, credentials included. Off the
/// local machine that is never what we want, so such URLs get `tls=required` (STARTTLS, and
/// port 587 when none is given). `smtps://` is implicit TLS already; a local relay on
/// 127.0.0.1/localhost stays plaintext.
fn secure_url(url: &str) -> String {
    if !url.starts_with("smtp://") || has_tls_parameter(url) {
        return url.to_string();
    }
    if host(url).is_some_and(is_loopback) {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}tls=required")
}

fn has_tls_parameter(url: &str) -> bool {
    tls_parameter(url).is_some()
}

/// The value of the URL's `tls=` parameter, if it has one.
fn tls_parameter(url: &str) -> Option<&str> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some(("tls", value)) => Some(value),
            _ if pair == "tls" => Some(""),
            _ => None,
        })
}

/// Whether mail sent through `url` may cross the network unencrypted (`roost check-deploy`):
/// `tls=none` or `tls=opportunistic` (which falls back to clear text when STARTTLS is not
/// offered) towards a host other than this machine.
pub fn smtp_may_travel_in_clear(url: &str) -> bool {
    let secured = secure_url(url);
    secured.starts_with("smtp://")
        && !host(&secured).is_some_and(is_loopback)
        && !matches!(tls_parameter(&secured), Some("required" | "wrapper"))
}

/// The host of `scheme://[userinfo@]host[:port][/path][?query]`.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    // A password may contain an encoded '@' but never a raw one after the userinfo.
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next();
    }
    host_port.split(':').next()
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::{secure_url, smtp_may_travel_in_clear};

    #[test]
    fn only_an_explicit_plaintext_setting_to_a_remote_host_sends_in_clear() {
        for url in [
            "smtp://mail.example.com?tls=none",
            "smtp://u:p@mail.example.com:587?x=1&tls=opportunistic",
        ] {
            assert!(smtp_may_travel_in_clear(url), "{url}");
        }
        for url in [
            "smtp://mail.example.com:587",
            "smtp://mail.example.com?tls=required",
            "smtps://mail.example.com",
            "smtp://127.0.0.1:2525?tls=none",
        ] {
            assert!(!smtp_may_travel_in_clear(url), "{url}");
        }
    }

    #[test]
    fn remote_smtp_urls_require_starttls_unless_they_say_otherwise() {
        assert_eq!(
            secure_url("smtp://user:p%40ss@mail.example.com:587"),
            "smtp://user:p%40ss@mail.example.com:587?tls=required"
        );
        assert_eq!(
            secure_url("smtp://mail.example.com/roost.example?x=1"),
            "smtp://mail.example.com/roost.example?x=1&tls=required"
        );
        assert_eq!(
            secure_url("smtp://mail.example.com?tls=opportunistic"),
            "smtp://mail.example.com?tls=opportunistic"
        );
        assert_eq!(
            secure_url("smtps://mail.example.com"),
            "smtps://mail.example.com"
        );
    }

    #[test]
    fn local_smtp_urls_stay_plaintext() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost",
            "smtp://u:p@[::1]:25",
        ] {
            assert_eq!(secure_url(url), url);
        }
    }
}
