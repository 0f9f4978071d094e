//! Email: delivery through SMTP (to a tiny SMTP sink), the development mailbox and its pages,
//! and what an SMTP outage does to the queue.

use std::{
    net::TcpListener as StdTcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::cookie::Key;
use askama::Template;
use base64::Engine as _;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncConnection, RunQueryDsl};
use roost::{
    app::{self, ServerParts},
    config::Config,
    db::{self, DbPool},
    dev_mailbox::MESSAGE_HTML_CSP,
    email::{self, Email},
    schema::{dev_mailbox, jobs as jobs_table},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use crate::{
    jobs::context,
    support::{self, TestApp},
};

#[derive(Template)]
#[template(
    source = "Hi {{ name }},\n\nYour stay at the Café du Port is confirmed — see you soon.\n",
    ext = "txt"
)]
struct WelcomeText<'a> {
    name: &'a str,
}

#[derive(Template)]
#[template(
    source = "{% extends \"emails/base.html\" %}{% block content %}<p>Hi <strong>{{ name }}</strong>, your stay at the Café du Port is confirmed.</p>{% endblock %}",
    ext = "html"
)]
struct WelcomeHtml<'a> {
    name: &'a str,
}

fn welcome(to: &str) -> Email {
    email::compose(
        to,
        "Your stay is confirmed",
        &WelcomeText { name: "Ada" },
        &WelcomeHtml { name: "Ada" },
    )
    .expect("compose")
}

/// One SMTP transaction as the sink saw it.
#[derive(Clone, Debug, Default)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A minimal SMTP server on 127.0.0.1 that accepts everything and records it.
async fn smtp_sink() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let inbox = Inbox::default();
    let sink_inbox = inbox.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(smtp_session(stream, sink_inbox.clone()));
        }
    });
    (port, inbox)
}

async fn smtp_session(stream: TcpStream, inbox: Inbox) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut current = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if command.starts_with("MAIL FROM:") {
            current.mail_from = line[10..].trim().to_string();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            current.rcpt_to.push(line[8..].trim().to_string());
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            writer.write_all(b"354 go ahead\r\n").await?;
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                // Undo dot-stuffing.
                let content = line.strip_prefix('.').unwrap_or(&line);
                current.data.push_str(content);
            }
            inbox
                .lock()
                .expect("inbox")
                .push(std::mem::take(&mut current));
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if command.starts_with("RSET") || command.starts_with("NOOP") {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        writer.write_all(reply).await?;
    }
}

/// The MIME parts of a message as (content type, decoded body).
fn parts(data: &str) -> Vec<(String, String)> {
    let Some(boundary) = data
        .split("boundary=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
    else {
        return Vec::new();
    };
    data.split(&format!("--{boundary}"))
        .skip(1)
        .filter_map(|part| {
            let (headers, body) = part.split_once("\r\n\r\n")?;
            let header = |name: &str| {
                headers
                    .lines()
                    .find(|line| line.to_ascii_lowercase().starts_with(name))
                    .map(|line| line[name.len()..].trim().to_ascii_lowercase())
            };
            let content_type = header("content-type:")?;
            let body = match header("content-transfer-encoding:").as_deref() {
                Some("base64") => {
                    let compact: String = body.split_whitespace().collect();
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(compact)
                        .expect("base64 body");
                    String::from_utf8(bytes).expect("UTF-8 body")
                }
                Some("quoted-printable") => quoted_printable(body),
                _ => body.to_string(),
            };
            Some((content_type, body.replace("\r\n", "\n")))
        })
        .collect()
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 body")
}

async fn queue(pool: &DbPool, email: &Email) {
    let mut conn = pool.get().await.expect("connection");
    conn.transaction(async |conn| email::send_later(conn, email).await)
        .await
        .expect("queue the email");
}

#[tokio::test]
async fn an_email_sent_through_smtp_arrives_with_its_recipient_subject_and_both_parts() {
    let (port, inbox) = smtp_sink().await;
    let url = support::fresh_database().await;
    let pool = db::pool(&url, 4).expect("pool");
    let ctx = context(&url, &pool, Some(format!("smtp://127.0.0.1:{port}")));
    assert!(ctx.mailer.uses_smtp());
    queue(&pool, &welcome("guest@example.com")).await;

    assert!(
        inbox.lock().expect("inbox").is_empty(),
        "nothing is sent before a worker runs"
    );
    assert_eq!(
        roost::app::jobs::run_pending(&ctx).await.expect("run jobs"),
        1
    );

    let received = inbox.lock().expect("inbox").clone();
    assert_eq!(received.len(), 1, "{received:?}");
    let message = &received[0];
    assert_eq!(message.rcpt_to, ["<guest@example.com>"]);
    assert!(
        message.mail_from.contains("no-reply@localhost"),
        "{message:?}"
    );
    assert!(message.data.contains("Subject: Your stay is confirmed\r\n"));
    assert!(message.data.contains("To: guest@example.com\r\n"));
    assert!(message.data.contains("multipart/alternative"));
    let parts = parts(&message.data);
    let text = parts
        .iter()
        .find(|(kind, _)| kind.starts_with("text/plain"))
        .map(|(_, body)| body.as_str())
        .expect("a text part");
    let html = parts
        .iter()
        .find(|(kind, _)| kind.starts_with("text/html"))
        .map(|(_, body)| body.as_str())
        .expect("an HTML part");
    assert!(
        text.contains("Hi Ada,\n\nYour stay at the Café du Port is confirmed — see you soon."),
        "{text}"
    );
    assert!(html.contains("Hi <strong>Ada</strong>"), "{html}");
    assert!(html.contains("Café du Port"), "{html}");
    assert!(
        html.contains("#c53a45"),
        "the email layout wraps the content"
    );
    assert!(html.contains("You received this email because of your Roost account."));
    assert_eq!(
        jobs_table::table
            .count()
            .get_result::<i64>(&mut pool.get().await.expect("connection"))
            .await
            .expect("count"),
        0,
        "the delivered job is gone"
    );
}

#[tokio::test]
async fn without_smtp_an_email_lands_in_the_development_mailbox_and_its_pages_show_it() {
    let app = TestApp::spawn().await;
    let ctx = context(&app.database_url, &app.pool, None);
    assert!(!ctx.mailer.uses_smtp());
    let sent = welcome("guest@example.com");
    queue(&app.pool, &sent).await;
    assert_eq!(
        roost::app::jobs::run_pending(&ctx).await.expect("run jobs"),
        1
    );

    let list = app.get("/dev/mailbox").await;
    assert_eq!(list.status(), 200);
    let html = list.text().await.expect("body");
    assert!(html.contains("Your stay is confirmed"), "{html}");
    assert!(html.contains("guest@example.com"), "{html}");
    let link = {
        let document = scraper::Html::parse_document(&html);
        let selector = scraper::Selector::parse(".mail-list a").expect("selector");
        document
            .select(&selector)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string)
            .expect("a link to the message")
    };

    let message = app.get(&link).await;
    assert_eq!(message.status(), 200);
    let html = message.text().await.expect("body");
    assert!(
        html.contains("<pre class=\"mail-message__text\">Hi Ada,"),
        "{html}"
    );
    assert!(html.contains("Café du Port is confirmed — see you soon."));
    assert!(html.contains("no-reply@localhost"), "the sender is shown");
    assert!(html.contains(&format!("href=\"{link}/html\"")), "{html}");

    let part = app.get(&format!("{link}/html")).await;
    assert_eq!(part.status(), 200);
    let csp = part.headers()["content-security-policy"]
        .to_str()
        .expect("header")
        .to_string();
    assert_eq!(csp, MESSAGE_HTML_CSP);
    assert!(csp.contains("sandbox") && csp.contains("default-src 'none'"));
    assert_eq!(part.text().await.expect("body"), sent.html);

    assert_eq!(app.get("/dev/mailbox/999999").await.status(), 404);
}

#[tokio::test]
async fn the_development_mailbox_is_not_found_in_production() {
    let url = support::fresh_database().await;
    let pool = db::pool(&url, 4).expect("pool");
    let mut conn = pool.get().await.expect("connection");
    let id: i64 = diesel::insert_into(dev_mailbox::table)
        .values((
            dev_mailbox::to_address.eq("guest@example.com"),
            dev_mailbox::from_address.eq("no-reply@localhost"),
            dev_mailbox::subject.eq("Secret"),
            dev_mailbox::text_body.eq("text"),
            dev_mailbox::html_body.eq("<p>html</p>"),
        ))
        .returning(dev_mailbox::id)
        .get_result(&mut conn)
        .await
        .expect("a stored message");
    let data_dir = tempfile::tempdir().expect("data directory");
    let data_dir_text = data_dir.path().to_string_lossy().to_string();
    let database_url = url.url.clone();
    let config = Config::from_lookup(move |name| match name {
        "ROOST_ENV" => Some("production".into()),
        "ROOST_SECRET_KEY" => Some("k".repeat(64)),
        "DATABASE_URL" => Some(database_url.clone()),
        "ROOST_DATA_DIR" => Some(data_dir_text.clone()),
        _ => None,
    })
    .expect("production configuration");
    let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = app::server(
        ServerParts {
            config: Arc::new(config),
            pool,
            search_pools: db::SearchPools::new(&url, 2),
            secret_key: Key::generate(),
            workers: Some(1),
            extra_routes: None,
            metrics_listener: None,
        },
        listener,
    )
    .expect("server");
    tokio::spawn(server);

    let client = support::browser();
    for path in [
        "/dev/mailbox".to_string(),
        format!("/dev/mailbox/{id}"),
        format!("/dev/mailbox/{id}/html"),
    ] {
        let response = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("Secret"), "{path} leaks the mailbox");
    }
}

#[tokio::test]
async fn an_smtp_outage_leaves_the_email_queued_with_its_error_until_delivery_succeeds() {
    let url = support::fresh_database().await;
    let pool = db::pool(&url, 4).expect("pool");
    let nobody = support::free_port();
    let down = context(&url, &pool, Some(format!("smtp://127.0.0.1:{nobody}")));
    queue(&pool, &welcome("guest@example.com")).await;

    assert_eq!(
        roost::app::jobs::run_pending(&down)
            .await
            .expect("run jobs"),
        1
    );
    let mut conn = pool.get().await.expect("connection");
    let (status, attempts, error): (String, i32, Option<String>) = jobs_table::table
        .select((
            jobs_table::status,
            jobs_table::attempts,
            jobs_table::last_error,
        ))
        .get_result(&mut conn)
        .await
        .expect("the job is still there");
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    let error = error.unwrap_or_default();
    assert!(error.contains("SMTP"), "{error}");

    // The server comes back; once the backoff has passed the same job delivers.
    let (port, inbox) = smtp_sink().await;
    let up = context(&url, &pool, Some(format!("smtp://127.0.0.1:{port}")));
    diesel::update(jobs_table::table)
        .set(jobs_table::run_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .expect("fast-forward");
    assert_eq!(
        roost::app::jobs::run_pending(&up).await.expect("run jobs"),
        1
    );
    let received = inbox.lock().expect("inbox").clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, ["<guest@example.com>"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_workers_deliver_queued_email_and_stop_on_shutdown() {
    let url = support::fresh_database().await;
    let pool = db::pool(&url, 8).expect("pool");
    let ctx = context(&url, &pool, None);
    let workers = roost::app::jobs::spawn_workers(ctx, 2);
    queue(&pool, &welcome("guest@example.com")).await;

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let delivered: i64 = dev_mailbox::table
            .count()
            .get_result(&mut pool.get().await.expect("connection"))
            .await
            .expect("count");
        if delivered == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the workers never delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::timeout(Duration::from_secs(10), workers.shutdown())
        .await
        .expect("the workers stop promptly");
}
