//! An admin sends a user the password reset email (the owner asked support, say): the same
//! link and email as the "forgot your password" page, recorded as a security event of the
//! account and in the audit log, in one transaction.

use diesel::{OptionalExtension, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::{
    accounts::{
        emails,
        security_log::{self, Event},
        service::link,
        tokens::{self, Purpose},
    },
    admin::{
        audit::{self, Action, Entry, ObjectType, Reason},
        sudo::Sudo,
    },
    schema::users,
    service::{ServiceError, ServiceResult, UserId},
};

pub const SUSPENDED: &str = "This account is suspended: lift the suspension first.";

/// Queues the reset email to `target`'s address (its earlier reset links end).
pub async fn send_password_reset(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    sudo: &Sudo,
    target: UserId,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        type Row = (
            String,
            String,
            Option<chrono::DateTime<chrono::Utc>>,
            Option<chrono::DateTime<chrono::Utc>>,
        );
        let user: Option<Row> = users::table
            .find(target.get())
            .select((
                users::email,
                users::name,
                users::suspended_at,
                users::deleted_at,
            ))
            .for_no_key_update()
            .first(conn)
            .await
            .optional()?;
        let (email, name, suspended_at, deleted_at) = user.ok_or(ServiceError::NotFound)?;
        if deleted_at.is_some() {
            return Err(ServiceError::refused(super::actions::DELETED));
        }
        if suspended_at.is_some() {
            return Err(ServiceError::refused(SUSPENDED));
        }
        let token = tokens::issue(conn, target, Purpose::ResetPassword, &email).await?;
        let link = link(base_url, "/password/reset", &token);
        emails::password_reset(conn, &email, &name, &link).await?;
        security_log::record(
            conn,
            Event::PasswordResetRequested,
            Some(target),
            None,
            &format!("sent by admin #{}", admin.id()),
        )
        .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::SendPasswordReset,
                object_type: ObjectType::User,
                object_id: target.get(),
                reason: reason.as_str(),
                before: json!(null),
                after: json!({ "sent_to": email }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}
