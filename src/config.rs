//! Typed configuration read from environment variables (DESIGN.md §2), validated once at start-up.
//!
//! Every problem names the variable at fault, so that a bad deployment fails loudly and clearly
//! instead of half-working.

use std::{env, fmt, net::SocketAddr, path::PathBuf};

/// Development or production: production refuses unsafe defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Which payment provider takes the money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentsProvider {
    Sandbox,
    Stripe,
}

/// Stripe credentials, only present when `ROOST_PAYMENTS=stripe`.
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    pub api_base: String,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// Where `/metrics` is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsBind {
    /// On the site's own listener, beside the pages (development's default).
    Main,
    /// On a listener of its own, e.g. loopback for a local Prometheus agent (production's
    /// default: `127.0.0.1:9464`); the site's listener then answers 404 on `/metrics`.
    Separate(SocketAddr),
}

/// Production's default metrics listener: loopback only, Prometheus' exporter port range.
pub const DEFAULT_METRICS_BIND: &str = "127.0.0.1:9464";

/// The whole configuration of a Roost process.
#[derive(Clone)]
pub struct Config {
    /// `None` means: start or reuse the embedded cluster under `data_dir`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub environment: Environment,
    pub base_url: String,
    /// `None` in development means: generate one per data directory.
    pub secret_key: Option<String>,
    pub smtp_url: Option<String>,
    pub email_from: String,
    pub payments: PaymentsProvider,
    pub stripe: Option<StripeConfig>,
    /// `ROOST_ALLOW_UNSAFE_DEPLOY=1`: start in production despite settings that lose money or
    /// mail (see [`Config::start_refusal`]).
    pub allow_unsafe_deploy: bool,
    pub metrics_bind: MetricsBind,
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// `ROOST_GRAPHQL_TOOLS`: introspection and GraphiQL at `/graphql` (on in development, off
    /// in production unless set to `1`).
    pub graphql_tools: bool,
}

impl fmt::Debug for Config {
    // Hand-written so that secrets never reach a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("smtp", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("email_from", &self.email_from)
            .field("payments", &self.payments)
            .field("allow_unsafe_deploy", &self.allow_unsafe_deploy)
            .field("metrics_bind", &self.metrics_bind)
            .field("graphql_tools", &self.graphql_tools)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<set>"),
            )
            .finish_non_exhaustive()
    }
}

/// A configuration problem, naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

/// Minimum length of `ROOST_SECRET_KEY` in production.
pub const MIN_SECRET_KEY_LEN: usize = 64;
/// Minimum length of `ROOST_METRICS_TOKEN`.
pub const MIN_METRICS_TOKEN_LEN: usize = 32;

/// A setting `roost check-deploy` finds unsafe.
struct DeployProblem {
    message: String,
    /// Whether it loses money or mail, which production refuses to start with.
    loses_money_or_mail: bool,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `lookup`, so tests can supply their own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let environment = match lookup("ROOST_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(problem(
                    "ROOST_ENV",
                    format!("`{other}` is neither `development` nor `production`"),
                ));
            }
        };
        let bind_text = lookup("ROOST_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind_text.parse().map_err(|_| {
            problem(
                "ROOST_BIND",
                format!("`{bind_text}` is not an address like 127.0.0.1:8080"),
            )
        })?;
        let base_url = lookup("ROOST_BASE_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(problem(
                "ROOST_BASE_URL",
                format!("`{base_url}` must start with http:// or https://"),
            ));
        }
        let base_url = base_url.trim_end_matches('/').to_string();
        let secret_key = lookup("ROOST_SECRET_KEY");
        if let Some(key) = &secret_key
            && key.chars().count() < MIN_SECRET_KEY_LEN
        {
            return Err(problem(
                "ROOST_SECRET_KEY",
                format!("must be at least {MIN_SECRET_KEY_LEN} characters long"),
            ));
        }
        if environment == Environment::Production && secret_key.is_none() {
            return Err(problem(
                "ROOST_SECRET_KEY",
                format!(
                    "is required in production (at least {MIN_SECRET_KEY_LEN} random characters)"
                ),
            ));
        }
        let database_url = lookup("DATABASE_URL");
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(problem(
                "DATABASE_URL",
                "must be a postgres:// or postgresql:// URL",
            ));
        }
        let smtp_url = lookup("ROOST_SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(problem(
                "ROOST_SMTP_URL",
                "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587",
            ));
        }
        let email_from =
            lookup("ROOST_EMAIL_FROM").unwrap_or_else(|| "Roost <no-reply@localhost>".into());
        if !email_from.contains('@') {
            return Err(problem(
                "ROOST_EMAIL_FROM",
                format!("`{email_from}` is not an email address"),
            ));
        }
        let payments = match lookup("ROOST_PAYMENTS").as_deref() {
            None | Some("sandbox") => PaymentsProvider::Sandbox,
            Some("stripe") => PaymentsProvider::Stripe,
            Some(other) => {
                return Err(problem(
                    "ROOST_PAYMENTS",
                    format!("`{other}` is neither `sandbox` nor `stripe`"),
                ));
            }
        };
        let stripe = if payments == PaymentsProvider::Stripe {
            Some(StripeConfig {
                secret_key: lookup("STRIPE_SECRET_KEY").ok_or_else(|| {
                    problem(
                        "STRIPE_SECRET_KEY",
                        "is required when ROOST_PAYMENTS=stripe",
                    )
                })?,
                webhook_secret: lookup("STRIPE_WEBHOOK_SECRET").ok_or_else(|| {
                    problem(
                        "STRIPE_WEBHOOK_SECRET",
                        "is required when ROOST_PAYMENTS=stripe",
                    )
                })?,
                api_base: lookup("ROOST_STRIPE_API_BASE")
                    .unwrap_or_else(|| "https://api.stripe.com".into()),
            })
        } else {
            None
        };
        let allow_unsafe_deploy = match lookup("ROOST_ALLOW_UNSAFE_DEPLOY").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                return Err(problem(
                    "ROOST_ALLOW_UNSAFE_DEPLOY",
                    format!("`{other}` is neither `1` (start anyway) nor `0`"),
                ));
            }
        };
        let graphql_tools = match lookup("ROOST_GRAPHQL_TOOLS").as_deref() {
            None => environment == Environment::Development,
            Some("1") => true,
            Some("0") => false,
            Some(other) => {
                return Err(problem(
                    "ROOST_GRAPHQL_TOOLS",
                    format!("`{other}` is neither `1` (introspection and GraphiQL) nor `0`"),
                ));
            }
        };
        let metrics_token = lookup("ROOST_METRICS_TOKEN");
        if let Some(token) = &metrics_token
            && token.chars().count() < MIN_METRICS_TOKEN_LEN
        {
            return Err(problem(
                "ROOST_METRICS_TOKEN",
                format!("must be at least {MIN_METRICS_TOKEN_LEN} characters long"),
            ));
        }
        let metrics_bind = match lookup("ROOST_METRICS_BIND").as_deref() {
            Some("main") => MetricsBind::Main,
            None if environment == Environment::Development => MetricsBind::Main,
            other => {
                let text = other.unwrap_or(DEFAULT_METRICS_BIND);
                MetricsBind::Separate(text.parse().map_err(|_| {
                    problem(
                        "ROOST_METRICS_BIND",
                        format!(
                            "`{text}` is neither `main` nor an address like {DEFAULT_METRICS_BIND}"
                        ),
                    )
                })?)
            }
        };
        if environment == Environment::Production
            && metrics_bind == MetricsBind::Main
            && metrics_token.is_none()
        {
            return Err(problem(
                "ROOST_METRICS_BIND",
                "`main` in production makes /metrics public: set ROOST_METRICS_TOKEN too, or \
                 serve it on a private address",
            ));
        }
        Ok(Config {
            database_url,
            data_dir: PathBuf::from(lookup("ROOST_DATA_DIR").unwrap_or_else(|| "./.roost".into())),
            bind,
            environment,
            base_url,
            secret_key,
            smtp_url,
            email_from,
            payments,
            stripe,
            allow_unsafe_deploy,
            metrics_bind,
            metrics_token,
            graphql_tools,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Problems that make a production deployment unsafe (`roost check-deploy`).
    pub fn deployment_problems(&self) -> Vec<String> {
        self.deploy_problems()
            .into_iter()
            .map(|problem| problem.message)
            .collect()
    }

    /// Why this configuration must not serve in production, if it must not: the settings that
    /// lose money (sandbox payments: test cards confirm bookings) or mail (no SMTP: every
    /// email lands in a mailbox nobody reads), unless `ROOST_ALLOW_UNSAFE_DEPLOY=1`.
    pub fn start_refusal(&self) -> Option<String> {
        if !self.is_production() || self.allow_unsafe_deploy {
            return None;
        }
        let fatal: Vec<String> = self
            .deploy_problems()
            .into_iter()
            .filter(|problem| problem.loses_money_or_mail)
            .map(|problem| format!("  - {}", problem.message))
            .collect();
        if fatal.is_empty() {
            return None;
        }
        Some(format!(
            "refusing to start in production:\n{}\nFix these settings (`roost check-deploy` \
             lists every problem), or set ROOST_ALLOW_UNSAFE_DEPLOY=1 to start anyway (the \
             sandbox then takes no payments at all).",
            fatal.join("\n")
        ))
    }

    fn deploy_problems(&self) -> Vec<DeployProblem> {
        let mut problems = Vec::new();
        let mut add = |loses_money_or_mail: bool, message: String| {
            problems.push(DeployProblem {
                message,
                loses_money_or_mail,
            })
        };
        if !self.is_production() {
            add(false, "ROOST_ENV is not `production`".to_string());
        }
        match &self.secret_key {
            None => add(true, "ROOST_SECRET_KEY is not set".to_string()),
            Some(key) if key.chars().count() < MIN_SECRET_KEY_LEN => add(
                true,
                format!("ROOST_SECRET_KEY is shorter than {MIN_SECRET_KEY_LEN} characters"),
            ),
            Some(key) if !looks_random(key) => add(
                false,
                format!(
                    "ROOST_SECRET_KEY looks guessable (a repeated pattern, or under \
                     {MIN_SECRET_KEY_BITS} bits of estimated entropy): generate one with \
                     `openssl rand -hex 48`"
                ),
            ),
            Some(_) => {}
        }
        if !self.is_production() {
            add(
                false,
                "session cookies are not marked Secure (only with ROOST_ENV=production)"
                    .to_string(),
            );
            add(
                false,
                "HSTS (Strict-Transport-Security) is not sent (only with ROOST_ENV=production)"
                    .to_string(),
            );
            add(
                false,
                "the development mailbox (/dev/mailbox) is served (only off with \
                 ROOST_ENV=production)"
                    .to_string(),
            );
        }
        if !self.base_url.starts_with("https://") {
            add(
                false,
                format!(
                    "ROOST_BASE_URL ({}) is not https: cookies would travel in clear",
                    self.base_url
                ),
            );
        }
        match &self.smtp_url {
            None => add(
                true,
                "ROOST_SMTP_URL is not set: emails would only reach the development mailbox"
                    .to_string(),
            ),
            Some(url) if crate::email::smtp_may_travel_in_clear(url) => add(
                false,
                "ROOST_SMTP_URL lets mail and the SMTP password travel unencrypted (tls=none or \
                 tls=opportunistic): use smtps:// or tls=required"
                    .to_string(),
            ),
            Some(_) => {}
        }
        if self.database_url.is_none() {
            add(
                false,
                "DATABASE_URL is not set: the embedded development cluster is not for production"
                    .to_string(),
            );
        }
        if self.payments == PaymentsProvider::Sandbox {
            add(
                true,
                "ROOST_PAYMENTS is `sandbox`: no real money would be taken".to_string(),
            );
        }
        if let Some(stripe) = &self.stripe {
            match stripe_mode(&stripe.secret_key) {
                Some(StripeMode::Live) => {}
                Some(StripeMode::Test) => add(
                    false,
                    "STRIPE_SECRET_KEY is a test-mode key (sk_test_/rk_test_): no real money \
                     would be taken"
                        .to_string(),
                ),
                None => add(
                    false,
                    "STRIPE_SECRET_KEY is not a Stripe secret key (sk_live_… or rk_live_…)"
                        .to_string(),
                ),
            }
            if !stripe.webhook_secret.starts_with("whsec_") {
                add(
                    false,
                    "STRIPE_WEBHOOK_SECRET is not a webhook signing secret (whsec_…): every \
                     webhook would be refused"
                        .to_string(),
                );
            }
        }
        problems
    }
}

/// Estimated entropy a production `ROOST_SECRET_KEY` must at least have.
pub const MIN_SECRET_KEY_BITS: f64 = 192.0;

/// Whether `key` looks like random characters rather than a pattern or a phrase: it is not a
/// repetition of a shorter piece, has at least 16 distinct characters, and its per-character
/// (Shannon) entropy times its length reaches [`MIN_SECRET_KEY_BITS`]. An estimate: it catches
/// `aaaa…`, `changeme` repeated and the like, not a clever human choice.
pub fn looks_random(key: &str) -> bool {
    let chars: Vec<char> = key.chars().collect();
    let len = chars.len();
    if len == 0 {
        return false;
    }
    let repeats = (1..=len / 2).any(|period| (period..len).all(|i| chars[i] == chars[i - period]));
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let per_char: f64 = counts
        .values()
        .map(|&count| {
            let p = count as f64 / len as f64;
            -p * p.log2()
        })
        .sum();
    !repeats && counts.len() >= 16 && per_char * len as f64 >= MIN_SECRET_KEY_BITS
}

/// Which Stripe mode a secret key works in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StripeMode {
    Live,
    Test,
}

/// The mode of a Stripe secret (or restricted) key, `None` when it is no such key.
pub fn stripe_mode(key: &str) -> Option<StripeMode> {
    if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
        Some(StripeMode::Live)
    } else if key.starts_with("sk_test_") || key.starts_with("rk_test_") {
        Some(StripeMode::Test)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn patterned_or_low_entropy_keys_do_not_look_random() {
        assert!(!looks_random(&"a".repeat(80)));
        assert!(!looks_random(&"changeme".repeat(10)));
        assert!(!looks_random(&"0123456789abcdef".repeat(4)));
        assert!(looks_random(SECRET));
        assert!(looks_random(
            "an-example-secret-key-that-is-long-enough-for-production-use-1234"
        ));
    }

    fn config_from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_describe_a_local_development_site() {
        let config = config_from(&[]).expect("defaults are valid");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.environment, Environment::Development);
        assert!(config.database_url.is_none());
        assert_eq!(config.payments, PaymentsProvider::Sandbox);
    }

    #[test]
    fn a_bad_bind_address_names_the_variable() {
        let error = config_from(&[("ROOST_BIND", "localhost")]).unwrap_err();
        assert_eq!(error.variable, "ROOST_BIND");
        assert!(error.to_string().contains("ROOST_BIND"));
    }

    #[test]
    fn production_requires_a_long_secret_key() {
        let error = config_from(&[("ROOST_ENV", "production")]).unwrap_err();
        assert_eq!(error.variable, "ROOST_SECRET_KEY");
        let short =
            config_from(&[("ROOST_ENV", "production"), ("ROOST_SECRET_KEY", "short")]).unwrap_err();
        assert_eq!(short.variable, "ROOST_SECRET_KEY");
    }

    #[test]
    fn stripe_without_keys_is_refused() {
        let error = config_from(&[("ROOST_PAYMENTS", "stripe")]).unwrap_err();
        assert_eq!(error.variable, "STRIPE_SECRET_KEY");
    }

    const SECRET: &str = "9f2c4e71b08d3a56e1c7f04b29d86a3e5b71c0f9d24e8a613c5b07f2e94d1a8c6";

    fn production(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut vars = vec![
            ("ROOST_ENV", "production"),
            ("ROOST_SECRET_KEY", SECRET),
            ("DATABASE_URL", "postgres://db.internal/roost"),
            ("ROOST_BASE_URL", "https://roost.example.com"),
        ];
        vars.extend_from_slice(extra);
        config_from(&vars)
    }

    #[test]
    fn production_refuses_to_start_with_sandbox_payments_or_without_smtp() {
        let refusal = production(&[]).unwrap().start_refusal().expect("refused");
        assert!(refusal.contains("ROOST_PAYMENTS is `sandbox`"), "{refusal}");
        assert!(refusal.contains("ROOST_SMTP_URL is not set"), "{refusal}");
        assert!(refusal.contains("ROOST_ALLOW_UNSAFE_DEPLOY=1"), "{refusal}");

        let mail_only = production(&[
            ("ROOST_PAYMENTS", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_live_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        ])
        .unwrap()
        .start_refusal()
        .expect("refused without SMTP");
        assert!(!mail_only.contains("ROOST_PAYMENTS"), "{mail_only}");

        let safe = production(&[
            ("ROOST_PAYMENTS", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_live_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
            ("ROOST_SMTP_URL", "smtps://mail.example.com"),
        ])
        .unwrap();
        assert_eq!(safe.start_refusal(), None);
        assert!(safe.deployment_problems().is_empty());
    }

    #[test]
    fn the_override_lets_production_start_and_development_never_refuses() {
        let overridden = production(&[("ROOST_ALLOW_UNSAFE_DEPLOY", "1")]).unwrap();
        assert_eq!(overridden.start_refusal(), None);
        assert!(
            !overridden.deployment_problems().is_empty(),
            "still reported"
        );
        assert_eq!(config_from(&[]).unwrap().start_refusal(), None);
        let typo = production(&[("ROOST_ALLOW_UNSAFE_DEPLOY", "yes please")]).unwrap_err();
        assert_eq!(typo.variable, "ROOST_ALLOW_UNSAFE_DEPLOY");
    }

    #[test]
    fn metrics_stay_on_loopback_in_production_and_on_the_site_in_development() {
        assert_eq!(config_from(&[]).unwrap().metrics_bind, MetricsBind::Main);
        assert_eq!(
            production(&[]).unwrap().metrics_bind,
            MetricsBind::Separate(DEFAULT_METRICS_BIND.parse().unwrap())
        );
        let public = production(&[("ROOST_METRICS_BIND", "main")]).unwrap_err();
        assert_eq!(public.variable, "ROOST_METRICS_BIND");
        let token = "t".repeat(MIN_METRICS_TOKEN_LEN);
        let guarded = production(&[
            ("ROOST_METRICS_BIND", "main"),
            ("ROOST_METRICS_TOKEN", &token),
        ])
        .unwrap();
        assert_eq!(guarded.metrics_bind, MetricsBind::Main);
        let short = config_from(&[("ROOST_METRICS_TOKEN", "short")]).unwrap_err();
        assert_eq!(short.variable, "ROOST_METRICS_TOKEN");
        let bad = config_from(&[("ROOST_METRICS_BIND", "localhost")]).unwrap_err();
        assert_eq!(bad.variable, "ROOST_METRICS_BIND");
    }

    #[test]
    fn an_unknown_environment_is_refused() {
        let error = config_from(&[("ROOST_ENV", "staging")]).unwrap_err();
        assert_eq!(error.variable, "ROOST_ENV");
    }
}
