//! Sudo mode: destructive admin actions need the admin's password, confirmed within the last
//! ten minutes ([`WINDOW_SECS`]). A [`Sudo`] is the proof, made only by [`Sudo::check`] from the
//! admin and their last [`Confirmation`] (which the HTML door keeps in the server-side session,
//! so it is bound to that session and ends with it); the destructive services take a `&Sudo`,
//! so none can be called without one.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};

use crate::{
    accounts::{model, service::reauth},
    service::{Admin, ServiceError, ServiceResult},
};

/// How long a password confirmation lasts, in seconds (ten minutes).
pub const WINDOW_SECS: i64 = 10 * 60;

/// When an admin last confirmed their password (and which admin: a session that changed
/// hands does not inherit it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub user_id: i64,
    /// Unix seconds.
    pub at: i64,
}

/// Proof of an admin in sudo mode.
#[derive(Clone, Copy, Debug)]
pub struct Sudo {
    admin: Admin,
}

impl Sudo {
    /// Sudo mode for `admin` if `confirmation` is theirs and younger than [`WINDOW_SECS`] at
    /// `now`.
    pub fn check(
        admin: Admin,
        confirmation: Option<Confirmation>,
        now: DateTime<Utc>,
    ) -> Option<Sudo> {
        let confirmation = confirmation?;
        let age = now.timestamp() - confirmation.at;
        let fresh = confirmation.user_id == admin.id().get() && (0..WINDOW_SECS).contains(&age);
        fresh.then_some(Sudo { admin })
    }

    pub fn admin(&self) -> Admin {
        self.admin
    }
}

/// Checks the admin's password (against the login throttle, like every re-authentication) and
/// answers the confirmation to keep. A wrong password is `Invalid` on the `password` field.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    admin: Admin,
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<Confirmation> {
    let user = model::find(conn, admin.id())
        .await?
        .ok_or(ServiceError::NotFound)?;
    reauth::confirm_password(conn, &user, password, ip, "password").await?;
    Ok(Confirmation {
        user_id: admin.id().get(),
        at: Utc::now().timestamp(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Actor, Member, UserId};

    fn admin(id: i64) -> Admin {
        Actor::Member(Member {
            id: UserId::new(id),
            is_host: false,
            is_admin: true,
            email_verified: true,
            suspended: false,
        })
        .admin()
        .expect("an admin")
    }

    #[test]
    fn a_confirmation_counts_for_its_admin_for_ten_minutes() {
        let now = Utc::now();
        let at = |seconds_ago: i64| {
            Some(Confirmation {
                user_id: 7,
                at: now.timestamp() - seconds_ago,
            })
        };
        assert!(Sudo::check(admin(7), at(0), now).is_some());
        assert!(Sudo::check(admin(7), at(WINDOW_SECS - 1), now).is_some());
        assert!(Sudo::check(admin(7), at(WINDOW_SECS), now).is_none());
        assert!(
            Sudo::check(admin(7), at(-60), now).is_none(),
            "not from the future"
        );
        assert!(
            Sudo::check(admin(8), at(0), now).is_none(),
            "not another admin's"
        );
        assert!(Sudo::check(admin(7), None, now).is_none());
    }
}
