//! Deleting an account. It is refused while the user has a stay ahead or under way, as a guest
//! or as a host (the other party relies on it; they cancel it first). Otherwise the account is
//! anonymised rather than removed: bookings, payments and reviews point at it and are records
//! the law requires us to keep, so the row stays with every personal detail gone (the database
//! checks that a deleted row holds none), sessions, links and the wishlist are deleted, and
//! the user's listings leave search.

use chrono::{NaiveDate, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, JoinOnDsl, QueryDsl, dsl::sql, sql_types::Bool,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{own_user, reauth};
use crate::accounts::security_log::{self, Event};
use crate::{
    bookings::domain::{self as booking_domain, Status},
    schema::{
        account_tokens, bookings, listings, sessions, throttle_buckets, users, wishlist_items,
    },
    service::{Actor, ServiceError, ServiceResult, UserId},
    storage::Storage,
};

/// The message when bookings ahead keep the account.
pub const BLOCKED: &str = "Your account can't be deleted while you have stays or reservations \
                           ahead. Cancel them first (listed below), or delete your account once \
                           they are over.";

/// Which side of a blocking booking the user is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Guest,
    Host,
}

/// A booking that keeps the account from being deleted.
#[derive(Clone, Debug)]
pub struct Blocker {
    pub booking_id: i64,
    pub side: Side,
    pub listing_title: String,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub status: Status,
}

impl Blocker {
    /// Where the user can see (and cancel) it.
    pub fn href(&self) -> String {
        match self.side {
            Side::Guest => format!("/trips/{}", self.booking_id),
            Side::Host => format!("/host/reservations/{}", self.booking_id),
        }
    }

    pub fn describe(&self) -> String {
        let role = match self.side {
            Side::Guest => "Your stay at",
            Side::Host => "A reservation of",
        };
        format!(
            "{role} {} from {} to {} ({})",
            self.listing_title,
            crate::dates::day(self.check_in),
            crate::dates::day(self.check_out),
            self.status.label().to_lowercase()
        )
    }
}

/// The actor's stays and reservations that keep their account from being deleted.
pub async fn blockers(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<Vec<Blocker>> {
    let user_id = actor.member()?.id;
    Ok(blockers_of(conn, user_id).await?)
}

/// The user's stays and reservations that are ahead or under way. The end date is compared
/// with yesterday (UTC) so that no time zone sees a stay that is still going on as over.
async fn blockers_of(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> diesel::QueryResult<Vec<Blocker>> {
    type Row = (i64, i64, String, NaiveDate, NaiveDate, String);
    let rows: Vec<Row> = bookings::table
        .inner_join(listings::table.on(listings::id.eq(bookings::listing_id)))
        .filter(
            bookings::guest_id
                .eq(user_id)
                .or(listings::host_id.eq(user_id)),
        )
        .filter(bookings::status.eq_any(booking_domain::names(&Status::LIVE)))
        .filter(sql::<Bool>("bookings.check_out >= current_date - 1"))
        .order(bookings::check_in.asc())
        .limit(50)
        .select((
            bookings::id,
            bookings::guest_id,
            listings::title,
            bookings::check_in,
            bookings::check_out,
            bookings::status,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(booking_id, guest_id, listing_title, check_in, check_out, status)| Blocker {
                booking_id,
                side: if guest_id == user_id.get() {
                    Side::Guest
                } else {
                    Side::Host
                },
                listing_title,
                check_in,
                check_out,
                status: Status::parse(&status).unwrap_or(Status::Confirmed),
            },
        )
        .collect())
}

/// Deletes the actor's account after checking their password (throttled like login; a wrong
/// one is `Invalid` on `password`). Bookings ahead or under way make it a `Conflict` (the door
/// lists them with [`blockers`]). The stored avatar is removed once the row is anonymised.
pub async fn delete_account(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    actor: &Actor,
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let user = &own_user(conn, actor).await?;
    reauth::confirm_password(conn, user, password, ip, "password").await?;
    let refused_or_avatar = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            // Lock order as in booking: a booking being made on one of these listings, or by this
            // guest (its foreign key locks the user row), finishes before the check below, which
            // then sees it; one started after waits and finds the listings unlisted.
            users::table
                .find(user.id)
                .select(users::id)
                .for_update()
                .execute(conn)
                .await?;
            listings::table
                .filter(listings::host_id.eq(user.id))
                .select(listings::id)
                .for_update()
                .execute(conn)
                .await?;
            let blocking = blockers_of(conn, user.id).await?;
            if !blocking.is_empty() {
                security_log::record(
                    conn,
                    Event::AccountDeletionRefused,
                    Some(user.id),
                    ip,
                    &format!("{} booking(s) ahead", blocking.len()),
                )
                .await?;
                // Committed with its log line, and refused after.
                return Ok(Err(()));
            }
            let now = Utc::now();
            diesel::update(users::table.find(user.id))
                .set((
                    users::name.eq("Deleted user"),
                    // `.invalid` is reserved (RFC 2606): nothing is ever delivered there, and the
                    // id keeps it unique.
                    users::email.eq(format!("deleted-{}@deleted.invalid", user.id)),
                    // Not a hash: no password matches it.
                    users::password_hash.eq("!deleted"),
                    users::bio.eq(""),
                    users::avatar_key.eq(None::<String>),
                    users::email_verified_at.eq(None::<chrono::DateTime<Utc>>),
                    users::is_host.eq(false),
                    users::is_admin.eq(false),
                    users::deleted_at.eq(now),
                    users::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id)))
                .execute(conn)
                .await?;
            diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user.id)))
                .execute(conn)
                .await?;
            diesel::delete(wishlist_items::table.filter(wishlist_items::user_id.eq(user.id)))
                .execute(conn)
                .await?;
            diesel::delete(
                throttle_buckets::table
                    .filter(throttle_buckets::key.eq(reauth::account_key(&user.email))),
            )
            .execute(conn)
            .await?;
            diesel::update(
                listings::table
                    .filter(listings::host_id.eq(user.id))
                    .filter(listings::status.eq("published")),
            )
            .set((
                listings::status.eq("unlisted"),
                listings::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
            security_log::record(conn, Event::AccountDeleted, Some(user.id), ip, "anonymised")
                .await?;
            Ok(Ok(user.avatar_key.clone()))
        })
        .await?;
    let Ok(avatar_key) = refused_or_avatar else {
        return Err(ServiceError::conflict(BLOCKED));
    };
    if let Some(key) = avatar_key
        && let Err(error) = storage.delete(&key).await
    {
        tracing::warn!(%error, %key, "could not delete the avatar of a deleted account");
    }
    Ok(())
}
