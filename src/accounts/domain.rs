//! Account values that are checked once, when they enter the system: parse, don't validate.

use std::{collections::HashSet, fmt, sync::LazyLock};

/// An email address that can be delivered to: checked by lettre's parser (the one that will
/// send to it, so an address accepted here never fails there), on a domain with a dot (no
/// `localhost`, no IP literal), and normalised (trimmed, lower-cased).
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
        let Ok(address) = email.parse::<lettre::Address>() else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let domain = address.domain();
        let plausible = address.user().len() <= 64
            && domain.contains('.')
            && !domain.starts_with('[')
            && !domain.ends_with('.');
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

/// What a person writes about themselves: trimmed, at most [`Bio::MAX_CHARS`] characters (the
/// database checks the same limit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bio(String);

impl Bio {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let bio = raw.trim();
        // Line breaks and tabs are text; other control characters are not (and NUL cannot be
        // stored at all).
        if bio
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err("The text contains characters that are not allowed.".into());
        }
        if bio.chars().count() > Self::MAX_CHARS {
            return Err(format!("Use at most {} characters.", Self::MAX_CHARS));
        }
        Ok(Bio(bio.to_string()))
    }
}

impl AsRef<str> for Bio {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A person's display name: 1 to 100 characters once trimmed, in Unicode NFC (so that the
/// same name typed on two keyboards is stored alike), with runs of spaces made one, and with
/// at least one visible character (a name of zero-width spaces or joiners shows as nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

/// Characters that take no room on screen: format characters (zero-width space U+200B, word
/// joiner U+2060, byte-order mark U+FEFF, bidi controls, …), variation selectors, the
/// combining grapheme joiner, and the "filler" letters that render as blanks.
fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::Format
        || matches!(
            c,
            '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// Format characters that a name never needs, dropped wherever they are (zero-width spaces,
/// byte-order marks, bidi overrides that reorder what others read). Kept: the zero-width
/// joiner and non-joiner, which some scripts and emoji need, and the tag characters of
/// subdivision flags.
fn is_droppable(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::Format
        && !matches!(c, '\u{200C}' | '\u{200D}' | '\u{E0020}'..='\u{E007F}')
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        use unicode_normalization::UnicodeNormalization;
        let normalised: String = raw.nfc().filter(|c| !is_droppable(*c)).collect();
        if normalised
            .chars()
            .any(|c| c.is_control() && !c.is_whitespace())
        {
            return Err("The name contains characters that are not allowed.".into());
        }
        let collapsed = normalised.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() && !raw.trim().is_empty() {
            return Err("Enter a name with visible letters.".into());
        }
        if collapsed.is_empty() {
            return Err("Enter your name.".into());
        }
        if collapsed.chars().all(|c| c == ' ' || is_invisible(c)) {
            return Err("Enter a name with visible letters.".into());
        }
        let name = collapsed.trim_matches(|c: char| c == ' ' || is_invisible(c));
        if name.chars().count() > 100 {
            return Err("Use at most 100 characters.".into());
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
            "user@@example.com",
            "user@exa mple.com",
            "user@[127.0.0.1]",
            "us..er@example.com",
            ".user@example.com",
            "user@example..com",
            "user@-example.com",
            "<user@example.com>",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["first.last+tag@example.co.uk", "o'brien@example.ie"] {
            assert!(EmailAddress::parse(good).is_ok(), "{good:?}");
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
    fn a_bio_keeps_its_lines_but_no_other_control_characters() {
        assert_eq!(
            Bio::parse(" Walks.\nBakeries.\t ").unwrap().as_ref(),
            "Walks.\nBakeries."
        );
        assert!(Bio::parse("nul \u{0} here").is_err());
        assert!(Bio::parse("bell \u{7}").is_err());
        assert!(Bio::parse(&"b".repeat(Bio::MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ana ").unwrap().as_ref(), "Ana");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
    }

    #[test]
    fn names_are_normalised_and_must_show_something() {
        // "e" + combining acute becomes the one character "é".
        assert_eq!(
            PersonName::parse("Rene\u{301}e").unwrap().as_ref(),
            "Ren\u{e9}e"
        );
        assert_eq!(
            PersonName::parse("\u{200B} Ana \t  Lima\u{FEFF}")
                .unwrap()
                .as_ref(),
            "Ana Lima"
        );
        for blank in [
            "\u{200B}",
            "\u{200B}\u{2060}\u{FEFF}",
            " \u{3164} ",
            "\u{2800}\u{200D}",
        ] {
            assert!(PersonName::parse(blank).is_err(), "{blank:?}");
        }
        assert!(
            PersonName::parse("Ana\u{0007}").is_err(),
            "control characters"
        );
        // Joiners inside a name are kept: some scripts and emoji need them.
        assert!(PersonName::parse("\u{0915}\u{094D}\u{200D}\u{0937}").is_ok());
    }
}
