//! Account values that are checked once, when they enter the system: parse, don't validate.

use std::{collections::HashSet, fmt, sync::LazyLock};

/// A syntactically plausible, normalised (trimmed, lower-cased) email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.".into());
        }
        if email.len() > 254 {
            return Err("That email address is too long.".into());
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let plausible = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && email
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>' && c != ',');
        if !plausible {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(EmailAddress(email))
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: 1 to 100 characters after trimming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name.".into());
        }
        if name.chars().count() > 100 {
            return Err("Use at most 100 characters.".into());
        }
        if name.chars().any(char::is_control) {
            return Err("The name contains characters that are not allowed.".into());
        }
        Ok(PersonName(name.to_string()))
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Shortest and longest accepted passwords (ASVS 2.1.1 / 2.1.2), counted in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// A new password that meets the policy: 8–128 characters of any Unicode, not a common one.
/// Never logged (no `Debug` output of the value).
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let length = raw.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(format!(
                "Use at least {MIN_PASSWORD_CHARS} characters (a short sentence works well)."
            ));
        }
        if length > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
        }
        if COMMON_PASSWORDS.contains(raw.to_lowercase().as_str()) {
            return Err(
                "This password is too common and easy to guess. Choose another one.".into(),
            );
        }
        // Kept as typed: no trimming or normalisation, so what the user types is what counts.
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Ana@Example.COM ").unwrap().as_ref(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_follow_the_policy() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("password").is_err(), "common");
        assert!(NewPassword::parse("PASSWORD1").is_err(), "common, any case");
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(
            NewPassword::parse(&"é".repeat(128)).is_ok(),
            "any unicode, up to 128"
        );
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ana ").unwrap().as_ref(), "Ana");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
    }
}
