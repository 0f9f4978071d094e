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
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Problems that make a production deployment unsafe (`roost check-deploy`).
    pub fn deployment_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.is_production() {
            problems.push("ROOST_ENV is not `production`".to_string());
        }
        if self.secret_key.is_none() {
            problems.push("ROOST_SECRET_KEY is not set".to_string());
        }
        if !self.base_url.starts_with("https://") {
            problems.push(format!(
                "ROOST_BASE_URL ({}) is not https: cookies would travel in clear",
                self.base_url
            ));
        }
        if self.smtp_url.is_none() {
            problems.push(
                "ROOST_SMTP_URL is not set: emails would only reach the development mailbox"
                    .to_string(),
            );
        }
        if self.database_url.is_none() {
            problems.push(
                "DATABASE_URL is not set: the embedded development cluster is not for production"
                    .to_string(),
            );
        }
        if self.payments == PaymentsProvider::Sandbox {
            problems.push("ROOST_PAYMENTS is `sandbox`: no real money would be taken".to_string());
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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

    #[test]
    fn an_unknown_environment_is_refused() {
        let error = config_from(&[("ROOST_ENV", "staging")]).unwrap_err();
        assert_eq!(error.variable, "ROOST_ENV");
    }
}
