//! `roost check-deploy`, run as the real binary: a sound production configuration passes and
//! states the Stripe mode; every unsafe setting is one line of its own and a non-zero exit.

use std::process::Output;

use crate::support::{empty_database, free_port, fresh_database};

const GOOD_SECRET: &str = "9f2c4e71b08d3a56e1c7f04b29d86a3e5b71c0f9d24e8a613c5b07f2e94d1a8c6";

/// `roost check-deploy` with a sound production configuration, changed by `vars` (a `None`
/// value removes the variable).
async fn check_deploy(vars: &[(&str, Option<&str>)]) -> Output {
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_roost"));
    command
        .arg("check-deploy")
        .current_dir(data_dir.path())
        .env("ROOST_ENV", "production")
        .env("ROOST_SECRET_KEY", GOOD_SECRET)
        .env("ROOST_BASE_URL", "https://roost.example.com")
        .env("ROOST_SMTP_URL", "smtps://roost:secret@mail.example.com")
        .env("ROOST_PAYMENTS", "stripe")
        .env("STRIPE_SECRET_KEY", "sk_live_51ExampleExampleExample")
        .env("STRIPE_WEBHOOK_SECRET", "whsec_ExampleExampleExample")
        .env("ROOST_DATA_DIR", data_dir.path().join("data"))
        .env("ROOST_METRICS_BIND", format!("127.0.0.1:{}", free_port()))
        .env_remove("ROOST_ALLOW_UNSAFE_DEPLOY")
        .env_remove("DATABASE_URL");
    for (name, value) in vars {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command.output().await.expect("run roost check-deploy")
}

/// The problem lines of the output (`  - …`).
fn problems(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| line.strip_prefix("  - "))
        .map(str::to_string)
        .collect()
}

fn has_line(problems: &[String], text: &str) -> bool {
    problems.iter().any(|line| line.contains(text))
}

#[tokio::test]
async fn a_sound_production_configuration_passes_and_states_the_stripe_mode() {
    let database = fresh_database().await;
    let output = check_deploy(&[("DATABASE_URL", Some(&database))]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("payments: Stripe, live mode"), "{stdout}");
    assert!(stdout.contains("no problems found"), "{stdout}");
}

#[tokio::test]
async fn every_unsafe_production_setting_is_a_line_of_its_own() {
    let blocker = tempfile::NamedTempFile::new().expect("a file");
    // A data directory below a plain file can never be created.
    let data_dir = blocker.path().join("data");
    let unreachable = format!("postgres://roost:x@127.0.0.1:{}/roost", free_port());
    let output = check_deploy(&[
        ("ROOST_SECRET_KEY", Some(&"changeme".repeat(10))),
        ("ROOST_BASE_URL", Some("http://roost.example.com")),
        (
            "ROOST_SMTP_URL",
            Some("smtp://roost:secret@mail.example.com?tls=none"),
        ),
        ("STRIPE_SECRET_KEY", Some("sk_test_51Example")),
        ("STRIPE_WEBHOOK_SECRET", Some("not-a-signing-secret")),
        ("ROOST_DATA_DIR", Some(data_dir.to_str().expect("utf-8"))),
        ("DATABASE_URL", Some(&unreachable)),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("payments: Stripe, test mode"), "{stdout}");
    let lines = problems(&output);
    let expected = [
        "ROOST_SECRET_KEY looks guessable",
        "ROOST_BASE_URL (http://roost.example.com) is not https",
        "ROOST_SMTP_URL lets mail and the SMTP password travel unencrypted",
        "STRIPE_SECRET_KEY is a test-mode key",
        "STRIPE_WEBHOOK_SECRET is not a webhook signing secret",
        "is not writable",
        "the database (DATABASE_URL) is unreachable",
    ];
    for text in expected {
        assert!(has_line(&lines, text), "no line for `{text}`: {lines:#?}");
    }
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("secret@"),
        "no password is printed"
    );
}

#[tokio::test]
async fn development_settings_and_a_missing_smtp_and_database_are_reported() {
    let output = check_deploy(&[
        ("ROOST_ENV", None),
        ("ROOST_SMTP_URL", None),
        ("ROOST_PAYMENTS", Some("sandbox")),
        ("ROOST_METRICS_BIND", None),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    let lines = problems(&output);
    for text in [
        "ROOST_ENV is not `production`",
        "session cookies are not marked Secure",
        "HSTS (Strict-Transport-Security) is not sent",
        "the development mailbox (/dev/mailbox) is served",
        "ROOST_SMTP_URL is not set",
        "ROOST_PAYMENTS is `sandbox`",
        "DATABASE_URL is not set",
    ] {
        assert!(has_line(&lines, text), "no line for `{text}`: {lines:#?}");
    }
}

#[tokio::test]
async fn an_unmigrated_database_is_reported() {
    let database = empty_database().await;
    let output = check_deploy(&[("DATABASE_URL", Some(&database))]).await;
    assert_eq!(output.status.code(), Some(1));
    let lines = problems(&output);
    assert_eq!(
        lines,
        vec!["the database has no migrations applied: run `roost migrate`".to_string()]
    );
}

#[tokio::test]
async fn missing_stripe_keys_are_refused_by_name() {
    let output = check_deploy(&[("STRIPE_WEBHOOK_SECRET", None)]).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("STRIPE_WEBHOOK_SECRET"), "{stderr}");
}
