//! What an admin does to an account. Each action takes sudo mode, runs in one transaction
//! that first locks the active admins (in id order, so two admins acting at once queue
//! instead of deadlocking) and re-checks that the acting admin is still one of them, then the
//! target's row; and writes its audit row before committing.
//!
//! An admin cannot suspend themselves or remove their own admin role, and the last active
//! admin is never suspended or demoted: checked under those locks, so two admins demoting
//! each other at the same moment leave one admin, not none.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::{
    accounts::service::end_sessions,
    admin::{
        audit::{self, Action, Entry, ObjectType, Reason},
        sudo::Sudo,
    },
    schema::users,
    service::{Admin, ServiceError, ServiceResult, UserId},
};

/// A change of role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChange {
    GrantHost,
    RemoveHost,
    GrantAdmin,
    RemoveAdmin,
}

impl RoleChange {
    pub const ALL: [RoleChange; 4] = [
        RoleChange::GrantHost,
        RoleChange::RemoveHost,
        RoleChange::GrantAdmin,
        RoleChange::RemoveAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoleChange::GrantHost => "grant_host",
            RoleChange::RemoveHost => "remove_host",
            RoleChange::GrantAdmin => "grant_admin",
            RoleChange::RemoveAdmin => "remove_admin",
        }
    }

    pub fn parse(text: &str) -> Option<RoleChange> {
        RoleChange::ALL
            .into_iter()
            .find(|change| change.as_str() == text)
    }

    fn action(self) -> Action {
        match self {
            RoleChange::GrantHost => Action::GrantHost,
            RoleChange::RemoveHost => Action::RemoveHost,
            RoleChange::GrantAdmin => Action::GrantAdmin,
            RoleChange::RemoveAdmin => Action::RemoveAdmin,
        }
    }
}

pub const CANNOT_SUSPEND_SELF: &str = "You cannot suspend your own account.";
pub const CANNOT_DEMOTE_SELF: &str = "You cannot remove your own admin role.";
pub const LAST_ADMIN: &str = "This is the last admin: make someone else an admin first.";
pub const DELETED: &str = "This account was deleted; it cannot be changed.";

/// The target's row, locked for the rest of the transaction.
struct Target {
    id: i64,
    email_verified_at: Option<DateTime<Utc>>,
    is_host: bool,
    is_admin: bool,
    suspended_at: Option<DateTime<Utc>>,
}

/// Locks the active admins and checks that `admin` is still one of them (an admin demoted or
/// suspended a moment ago acts no more: `NotFound`, as for any non-admin). Returns their ids.
async fn lock_admins(conn: &mut AsyncPgConnection, admin: Admin) -> ServiceResult<Vec<i64>> {
    let admins: Vec<i64> = users::table
        .filter(users::is_admin.eq(true))
        .filter(users::suspended_at.is_null())
        .filter(users::deleted_at.is_null())
        .order(users::id.asc())
        .select(users::id)
        .for_no_key_update()
        .load(conn)
        .await?;
    if admins.contains(&admin.id().get()) {
        Ok(admins)
    } else {
        Err(ServiceError::NotFound)
    }
}

async fn lock_target(conn: &mut AsyncPgConnection, id: UserId) -> ServiceResult<Target> {
    type Row = (
        i64,
        Option<DateTime<Utc>>,
        bool,
        bool,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let row: Option<Row> = users::table
        .find(id.get())
        .select((
            users::id,
            users::email_verified_at,
            users::is_host,
            users::is_admin,
            users::suspended_at,
            users::deleted_at,
        ))
        .for_no_key_update()
        .first(conn)
        .await
        .optional()?;
    let (id, email_verified_at, is_host, is_admin, suspended_at, deleted_at) =
        row.ok_or(ServiceError::NotFound)?;
    if deleted_at.is_some() {
        return Err(ServiceError::refused(DELETED));
    }
    Ok(Target {
        id,
        email_verified_at,
        is_host,
        is_admin,
        suspended_at,
    })
}

/// `admins` (active, locked) keep at least one other than `losing`.
fn another_admin_remains(admins: &[i64], losing: i64) -> ServiceResult<()> {
    if admins.iter().any(|id| *id != losing) {
        Ok(())
    } else {
        Err(ServiceError::refused(LAST_ADMIN))
    }
}

/// Suspends an account: it can do nothing more, and its sessions end at once.
pub async fn suspend(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    target: UserId,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    if admin.id() == target {
        return Err(ServiceError::refused(CANNOT_SUSPEND_SELF));
    }
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let admins = lock_admins(conn, admin).await?;
        let user = lock_target(conn, target).await?;
        if user.suspended_at.is_some() {
            return Err(ServiceError::conflict("This account is already suspended."));
        }
        if user.is_admin {
            another_admin_remains(&admins, user.id)?;
        }
        let now = Utc::now();
        diesel::update(users::table.find(user.id))
            .set((users::suspended_at.eq(Some(now)), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
        let ended = end_sessions(conn, target, None).await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::SuspendUser,
                object_type: ObjectType::User,
                object_id: user.id,
                reason: reason.as_str(),
                before: json!({ "suspended_at": null }),
                after: json!({ "suspended_at": now, "sessions_ended": ended }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Lifts a suspension.
pub async fn unsuspend(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    target: UserId,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        lock_admins(conn, admin).await?;
        let user = lock_target(conn, target).await?;
        let Some(suspended_at) = user.suspended_at else {
            return Err(ServiceError::conflict("This account is not suspended."));
        };
        diesel::update(users::table.find(user.id))
            .set((
                users::suspended_at.eq(None::<DateTime<Utc>>),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::UnsuspendUser,
                object_type: ObjectType::User,
                object_id: user.id,
                reason: reason.as_str(),
                before: json!({ "suspended_at": suspended_at }),
                after: json!({ "suspended_at": null }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Marks the account's address as confirmed (the owner proved it some other way).
pub async fn verify_email(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    target: UserId,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        lock_admins(conn, admin).await?;
        let user = lock_target(conn, target).await?;
        if user.email_verified_at.is_some() {
            return Err(ServiceError::conflict("This address is already confirmed."));
        }
        let now = Utc::now();
        diesel::update(users::table.find(user.id))
            .set((
                users::email_verified_at.eq(Some(now)),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::VerifyEmail,
                object_type: ObjectType::User,
                object_id: user.id,
                reason: reason.as_str(),
                before: json!({ "email_verified_at": null }),
                after: json!({ "email_verified_at": now }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Grants or removes the host or admin role. Only an active account with a confirmed
/// address becomes an admin.
pub async fn change_role(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    target: UserId,
    change: RoleChange,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    if change == RoleChange::RemoveAdmin && admin.id() == target {
        return Err(ServiceError::refused(CANNOT_DEMOTE_SELF));
    }
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let admins = lock_admins(conn, admin).await?;
        let user = lock_target(conn, target).await?;
        let (field, before, after) = match change {
            RoleChange::GrantHost | RoleChange::RemoveHost => {
                ("is_host", user.is_host, change == RoleChange::GrantHost)
            }
            RoleChange::GrantAdmin | RoleChange::RemoveAdmin => {
                ("is_admin", user.is_admin, change == RoleChange::GrantAdmin)
            }
        };
        if before == after {
            return Err(ServiceError::conflict(if after {
                "This account already has that role."
            } else {
                "This account does not have that role."
            }));
        }
        match change {
            RoleChange::GrantAdmin => {
                if user.suspended_at.is_some() {
                    return Err(ServiceError::refused(
                        "A suspended account cannot become an admin.",
                    ));
                }
                if user.email_verified_at.is_none() {
                    return Err(ServiceError::refused(
                        "Only an account with a confirmed address can become an admin.",
                    ));
                }
            }
            RoleChange::RemoveAdmin => another_admin_remains(&admins, user.id)?,
            RoleChange::GrantHost | RoleChange::RemoveHost => {}
        }
        let now = Utc::now();
        let update = diesel::update(users::table.find(user.id));
        if field == "is_host" {
            update
                .set((users::is_host.eq(after), users::updated_at.eq(now)))
                .execute(conn)
                .await?;
        } else {
            update
                .set((users::is_admin.eq(after), users::updated_at.eq(now)))
                .execute(conn)
                .await?;
        }
        audit::record(
            conn,
            admin,
            Entry {
                action: change.action(),
                object_type: ObjectType::User,
                object_id: user.id,
                reason: reason.as_str(),
                before: json!({ field: before }),
                after: json!({ field: after }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}
