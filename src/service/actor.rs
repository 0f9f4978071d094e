//! Who is acting: a visitor, or a signed-in member with their roles. Services take an
//! [`Actor`] and check it themselves, through the methods here, so that every door (pages, the
//! JSON API, GraphQL, jobs) gets the same answer. The doors only build the actor from their
//! credentials (a session cookie, a token).
//!
//! An admin acting on someone else's object goes through one explicit path: [`Actor::admin`]
//! is the only way to obtain an [`Admin`], and the services' admin functions take one. No
//! ordinary service function lets an admin skip an ownership check.

use diesel::{OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{ServiceError, ServiceResult, UserId};
use crate::schema::users;

/// The party on whose behalf a service function runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in.
    Visitor,
    /// A signed-in user.
    Member(Member),
}

/// A signed-in user and what their account may do, as read at the start of the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: UserId,
    pub is_host: bool,
    pub is_admin: bool,
    pub email_verified: bool,
    /// Suspended accounts are signed out by the HTML door; other doors (API tokens) and jobs
    /// may still hold one, and every check below refuses it.
    pub suspended: bool,
}

/// Proof that the actor is an admin, obtained only from [`Actor::admin`]. The services' admin
/// paths (acting on other people's objects) take one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admin {
    id: UserId,
}

impl Admin {
    /// The admin's own user id (recorded in audit trails).
    pub fn id(&self) -> UserId {
        self.id
    }
}

/// The message for a suspended account, whatever it tried.
pub const SUSPENDED: &str = "This account is suspended.";
/// The message for an unverified account trying what needs a confirmed address.
pub const UNVERIFIED: &str = "Please confirm your email address first: we sent you a link.";
/// The message for a member who is not a host trying a host's action.
pub const NOT_A_HOST: &str = "Only hosts can do this. You can become a host from your account.";

impl Actor {
    /// The signed-in, active member: visitors must sign in, suspended accounts are refused.
    pub fn member(&self) -> ServiceResult<&Member> {
        match self {
            Actor::Visitor => Err(ServiceError::SignInRequired),
            Actor::Member(member) if member.suspended => Err(ServiceError::not_allowed(SUSPENDED)),
            Actor::Member(member) => Ok(member),
        }
    }

    /// A member whose email address is confirmed (needed to book, review and host).
    pub fn verified(&self) -> ServiceResult<&Member> {
        let member = self.member()?;
        if member.email_verified {
            Ok(member)
        } else {
            Err(ServiceError::not_allowed(UNVERIFIED))
        }
    }

    /// A verified member who is a host.
    pub fn host(&self) -> ServiceResult<&Member> {
        let member = self.verified()?;
        if member.is_host {
            Ok(member)
        } else {
            Err(ServiceError::not_allowed(NOT_A_HOST))
        }
    }

    /// The active member who owns a thing owned by `owner`; anyone else gets `NotFound`, so
    /// that another person's ids cannot be probed. Admins are not owners: they use [`Self::admin`].
    pub fn owner(&self, owner: UserId) -> ServiceResult<&Member> {
        let member = self.member()?;
        if member.id == owner {
            Ok(member)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The admin path. Everyone else gets `NotFound`: the admin area does not exist for them.
    pub fn admin(&self) -> ServiceResult<Admin> {
        match self.member() {
            Ok(member) if member.is_admin => Ok(Admin { id: member.id }),
            Err(ServiceError::SignInRequired) => Err(ServiceError::SignInRequired),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The member's id, signed in or not, suspended or not (for display, never for checks).
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::Visitor => None,
            Actor::Member(member) => Some(member.id),
        }
    }

    /// The actor for `user_id` as the database has it now (jobs, tests, token-based doors). A
    /// deleted or unknown user is a visitor.
    pub async fn load(conn: &mut AsyncPgConnection, user_id: UserId) -> ServiceResult<Actor> {
        type Flags = (
            bool,
            bool,
            Option<chrono::DateTime<chrono::Utc>>,
            Option<chrono::DateTime<chrono::Utc>>,
            Option<chrono::DateTime<chrono::Utc>>,
        );
        let flags: Option<Flags> = users::table
            .find(user_id)
            .select((
                users::is_host,
                users::is_admin,
                users::email_verified_at,
                users::suspended_at,
                users::deleted_at,
            ))
            .first(conn)
            .await
            .optional()?;
        Ok(match flags {
            Some((is_host, is_admin, verified, suspended, None)) => Actor::Member(Member {
                id: user_id,
                is_host,
                is_admin,
                email_verified: verified.is_some(),
                suspended: suspended.is_some(),
            }),
            _ => Actor::Visitor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64) -> Member {
        Member {
            id: UserId::new(id),
            is_host: false,
            is_admin: false,
            email_verified: true,
            suspended: false,
        }
    }

    #[test]
    fn visitors_must_sign_in_and_suspended_members_are_refused() {
        assert!(matches!(
            Actor::Visitor.member(),
            Err(ServiceError::SignInRequired)
        ));
        let suspended = Actor::Member(Member {
            suspended: true,
            ..member(1)
        });
        assert!(matches!(
            suspended.member(),
            Err(ServiceError::NotAllowed(_))
        ));
        assert!(matches!(
            suspended.owner(UserId::new(1)),
            Err(ServiceError::NotAllowed(_))
        ));
    }

    #[test]
    fn only_the_owner_owns_and_others_see_nothing() {
        let actor = Actor::Member(member(1));
        assert!(actor.owner(UserId::new(1)).is_ok());
        assert!(matches!(
            actor.owner(UserId::new(2)),
            Err(ServiceError::NotFound)
        ));
    }

    #[test]
    fn hosts_are_verified_hosts_and_admins_are_admins() {
        let guest = Actor::Member(member(1));
        assert!(matches!(guest.host(), Err(ServiceError::NotAllowed(_))));
        assert!(matches!(guest.admin(), Err(ServiceError::NotFound)));
        let unverified_host = Actor::Member(Member {
            is_host: true,
            email_verified: false,
            ..member(2)
        });
        assert!(matches!(
            unverified_host.host(),
            Err(ServiceError::NotAllowed(message)) if message == UNVERIFIED
        ));
        let admin = Actor::Member(Member {
            is_admin: true,
            ..member(3)
        });
        assert_eq!(
            admin.admin().map(|admin| admin.id()).ok(),
            Some(UserId::new(3))
        );
        let suspended_admin = Actor::Member(Member {
            is_admin: true,
            suspended: true,
            ..member(4)
        });
        assert!(suspended_admin.admin().is_err());
    }
}
