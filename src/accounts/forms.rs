//! The account forms, door-neutral: raw text in (deserialising never fails), typed input out,
//! or a message per wrong field ([`FieldErrors`]) for the door to show beside its field.

use serde::Deserialize;

use super::domain::{Bio, EmailAddress, NewPassword, PersonName};
use crate::service::FieldErrors;

/// The sign-up form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

/// A sign-up whose every field is valid.
#[derive(Clone, Debug)]
pub struct SignUp {
    pub name: PersonName,
    pub email: EmailAddress,
    pub password: NewPassword,
}

impl SignupForm {
    pub fn parse(&self) -> Result<SignUp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", PersonName::parse(&self.name));
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let password = errors.check("password", NewPassword::parse(&self.password));
        match (name, email, password) {
            (Some(name), Some(email), Some(password)) => Ok(SignUp {
                name,
                email,
                password,
            }),
            _ => Err(errors),
        }
    }
}

/// The login form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

impl LoginForm {
    /// The address to log in with; the password is only checked for presence (any password
    /// may be tried, and the service compares it).
    pub fn parse(&self) -> Result<EmailAddress, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", EmailAddress::parse(&self.email));
        if self.password.is_empty() {
            errors.add("password", "Enter your password.");
        }
        match email {
            Some(email) if errors.is_empty() => Ok(email),
            _ => Err(errors),
        }
    }
}

/// The profile form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub bio: String,
}

/// A valid profile.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: PersonName,
    pub bio: Bio,
}

impl ProfileForm {
    pub fn parse(&self) -> Result<Profile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", PersonName::parse(&self.name));
        let bio = errors.check("bio", Bio::parse(&self.bio));
        match (name, bio) {
            (Some(name), Some(bio)) => Ok(Profile { name, bio }),
            _ => Err(errors),
        }
    }
}
