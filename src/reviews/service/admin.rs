//! Reviews as an admin sees and moderates them: the list ([`list`]) and hiding or restoring a
//! published review ([`set_hidden`]). Hiding a guest's review takes its ratings out of the
//! listing's figures (and so out of its average) in the same transaction, and restoring puts
//! them back; the audit row is written in that transaction too.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, OptionalExtension, QueryDsl, pg::Pg};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::Direction;
use crate::{
    admin::{
        audit::{self, Action, Entry, ObjectType, Reason},
        paging::{Page, Paged},
        sudo::Sudo,
    },
    schema::{listings, reviews, users},
    service::{Admin, ReviewId, ServiceError, ServiceResult},
};

type Moment = Option<DateTime<Utc>>;

/// Which reviews the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    All,
    Visible,
    Hidden,
}

impl Visibility {
    pub fn parse(text: &str) -> Visibility {
        match text {
            "visible" => Visibility::Visible,
            "hidden" => Visibility::Hidden,
            _ => Visibility::All,
        }
    }
}

/// A review as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct ReviewLine {
    pub id: i64,
    pub listing_id: i64,
    pub listing_title: String,
    pub author_id: i64,
    pub author_email: String,
    pub direction: Direction,
    pub rating: i16,
    pub comment: String,
    pub published_at: Option<DateTime<Utc>>,
    pub hidden_at: Option<DateTime<Utc>>,
}

impl ReviewLine {
    pub fn hidden(&self) -> bool {
        self.hidden_at.is_some()
    }

    pub fn published(&self) -> bool {
        self.published_at.is_some()
    }

    /// The first 140 characters of the comment.
    pub fn excerpt(&self) -> String {
        let mut excerpt: String = self.comment.chars().take(140).collect();
        if self.comment.chars().count() > 140 {
            excerpt.push('…');
        }
        excerpt
    }
}

/// A page of reviews, newest first: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    visibility: Visibility,
    listing: Option<i64>,
    page: Page,
) -> ServiceResult<Paged<ReviewLine>> {
    let filtered = || {
        let mut query = reviews::table
            .inner_join(listings::table.on(listings::id.eq(reviews::listing_id)))
            .inner_join(users::table.on(users::id.eq(reviews::author_id)))
            .into_boxed::<Pg>();
        match visibility {
            Visibility::All => {}
            Visibility::Visible => query = query.filter(reviews::hidden_at.is_null()),
            Visibility::Hidden => query = query.filter(reviews::hidden_at.is_not_null()),
        }
        if let Some(listing) = listing {
            query = query.filter(reviews::listing_id.eq(listing));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows: Vec<ReviewLine> = filtered()
        .order(reviews::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select((
            reviews::id,
            reviews::listing_id,
            listings::title,
            reviews::author_id,
            users::email,
            reviews::direction,
            reviews::rating,
            reviews::comment,
            reviews::published_at,
            reviews::hidden_at,
        ))
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// Hides (`hide`) or restores a published review, with the listing's figures following.
pub async fn set_hidden(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    id: ReviewId,
    hide: bool,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let review: Option<(i64, Direction, Moment, Moment)> = reviews::table
            .find(id.get())
            .select((
                reviews::listing_id,
                reviews::direction,
                reviews::published_at,
                reviews::hidden_at,
            ))
            .for_update()
            .first(conn)
            .await
            .optional()?;
        let (listing_id, direction, published_at, hidden_at) =
            review.ok_or(ServiceError::NotFound)?;
        if published_at.is_none() {
            return Err(ServiceError::refused(
                "Only a published review can be hidden or restored.",
            ));
        }
        if hidden_at.is_some() == hide {
            return Err(ServiceError::conflict(if hide {
                "This review is already hidden."
            } else {
                "This review is not hidden."
            }));
        }
        let now = Utc::now();
        let new_hidden = hide.then_some(now);
        diesel::update(reviews::table.find(id.get()))
            .set(reviews::hidden_at.eq(new_hidden))
            .execute(conn)
            .await?;
        if direction == Direction::GuestToHost {
            // Published guest reviews are what the listing's figures add up.
            let sign: &str = if hide { "-" } else { "+" };
            diesel::sql_query(format!(
                "UPDATE listings l SET \
                 review_count = l.review_count {sign} 1, \
                 rating_sum = l.rating_sum {sign} r.rating, \
                 cleanliness_sum = l.cleanliness_sum {sign} coalesce(r.cleanliness, 0), \
                 accuracy_sum = l.accuracy_sum {sign} coalesce(r.accuracy, 0), \
                 check_in_sum = l.check_in_sum {sign} coalesce(r.check_in, 0), \
                 communication_sum = l.communication_sum {sign} coalesce(r.communication, 0), \
                 location_sum = l.location_sum {sign} coalesce(r.location, 0), \
                 value_sum = l.value_sum {sign} coalesce(r.value, 0) \
                 FROM reviews r WHERE r.id = $1 AND l.id = $2"
            ))
            .bind::<diesel::sql_types::BigInt, _>(id.get())
            .bind::<diesel::sql_types::BigInt, _>(listing_id)
            .execute(conn)
            .await?;
        }
        audit::record(
            conn,
            admin,
            Entry {
                action: if hide {
                    Action::HideReview
                } else {
                    Action::RestoreReview
                },
                object_type: ObjectType::Review,
                object_id: id.get(),
                reason: reason.as_str(),
                before: json!({ "hidden_at": hidden_at }),
                after: json!({ "hidden_at": new_hidden, "listing_id": listing_id }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// One review with its listing's figures now and the admin actions on it.
#[derive(Clone, Debug)]
pub struct ReviewDetail {
    pub review: ReviewLine,
    pub listing_rating_avg: Option<f64>,
    pub listing_review_count: i32,
    pub history: Vec<audit::AuditRow>,
}

impl ReviewDetail {
    pub fn average(&self) -> String {
        self.listing_rating_avg
            .and_then(|average| {
                crate::reviews::rating::overall_from_average(average, self.listing_review_count)
            })
            .unwrap_or_else(|| "none".into())
    }
}

/// A review's admin page: two statements.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    admin: &Admin,
    id: ReviewId,
) -> ServiceResult<ReviewDetail> {
    let (review, listing_rating_avg, listing_review_count): (ReviewLine, Option<f64>, i32) =
        reviews::table
            .inner_join(listings::table.on(listings::id.eq(reviews::listing_id)))
            .inner_join(users::table.on(users::id.eq(reviews::author_id)))
            .filter(reviews::id.eq(id.get()))
            .select((
                (
                    reviews::id,
                    reviews::listing_id,
                    listings::title,
                    reviews::author_id,
                    users::email,
                    reviews::direction,
                    reviews::rating,
                    reviews::comment,
                    reviews::published_at,
                    reviews::hidden_at,
                ),
                listings::rating_avg,
                listings::review_count,
            ))
            .first(conn)
            .await?;
    let history = audit::for_object(conn, admin, ObjectType::Review, id.get(), 50).await?;
    Ok(ReviewDetail {
        review,
        listing_rating_avg,
        listing_review_count,
        history,
    })
}
