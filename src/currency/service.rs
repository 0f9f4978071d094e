//! The currency service: which display currency a viewer gets, the rates (read once and kept
//! in memory for a short while), and the admin's edits of a rate (audited).
//!
//! Why a cache rather than one statement per request: the rates change a few times a day at
//! most, and every page a visitor browses shows prices; reading them once per
//! [`RATES_TTL`] keeps the page budgets (`tests/it/page_costs.rs`) where they were. An admin's
//! edit empties this process's cache at once; another process of the site sees it within
//! [`RATES_TTL`], which for figures marked approximate is soon enough.

use std::{
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, JoinOnDsl, NullableExpressionMethods, OptionalExtension, QueryDsl,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::model::{self, BASE, Display, RateTable};
use crate::{
    admin::{
        audit::{self, Action, Entry, ObjectType, Reason},
        sudo::Sudo,
    },
    db::DbPool,
    schema::{exchange_rates, users},
    service::{Admin, FieldErrors, ServiceError, ServiceResult},
};

/// How long rates read from the database are used before they are read again.
pub const RATES_TTL: Duration = Duration::from_secs(60);

/// The rates, kept for [`RATES_TTL`] (one per process, in `AppState`).
#[derive(Default)]
pub struct RateCache {
    kept: RwLock<Option<(Instant, Arc<RateTable>)>>,
}

impl RateCache {
    /// The rates: from memory while fresh, else one statement.
    pub async fn get(&self, pool: &DbPool) -> ServiceResult<Arc<RateTable>> {
        if let Some(rates) = self.fresh() {
            return Ok(rates);
        }
        let mut conn = crate::db::connection(pool).await?;
        let rows: Vec<(String, i64)> = exchange_rates::table
            .select((exchange_rates::code, exchange_rates::rate_micros))
            .load(&mut conn)
            .await?;
        let rates = Arc::new(RateTable::new(rows));
        if let Ok(mut kept) = self.kept.write() {
            *kept = Some((Instant::now(), rates.clone()));
        }
        Ok(rates)
    }

    fn fresh(&self) -> Option<Arc<RateTable>> {
        let kept = self.kept.read().ok()?;
        let (read_at, rates) = kept.as_ref()?;
        (read_at.elapsed() < RATES_TTL).then(|| rates.clone())
    }

    /// Forgets the rates (after an edit), so that the next page reads them again.
    pub fn forget(&self) {
        if let Ok(mut kept) = self.kept.write() {
            *kept = None;
        }
    }
}

/// How the viewer who chose `chosen` (the cookie's code, if any) sees prices. Nothing is read
/// when no currency was chosen; a code without a rate shows prices unconverted.
pub async fn display(
    cache: &RateCache,
    pool: &DbPool,
    chosen: Option<&str>,
) -> ServiceResult<Display> {
    let Some(code) = chosen.filter(|code| model::is_code(code)) else {
        return Ok(Display::none());
    };
    let rates = cache.get(pool).await?;
    Ok(Display::into_currency(code, rates))
}

/// What the picker offers: the codes with a rate.
pub async fn offered(cache: &RateCache, pool: &DbPool) -> ServiceResult<Vec<String>> {
    Ok(cache.get(pool).await?.codes())
}

/// A choice from the picker: `""` is "each listing's own currency" (`None`); any other value
/// must be a currency with a rate.
pub async fn choose(cache: &RateCache, pool: &DbPool, raw: &str) -> ServiceResult<Option<String>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let rates = cache.get(pool).await?;
    if !model::is_code(raw) || !rates.knows(raw) {
        let mut errors = FieldErrors::new();
        errors.add("currency", "Choose one of the currencies listed.");
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Some(raw.to_string()))
}

/// One rate as the admin page lists it.
#[derive(Clone, Debug)]
pub struct RateLine {
    pub code: String,
    pub rate_micros: i64,
    pub updated_at: DateTime<Utc>,
    /// Who last changed it (none for the migration's rates).
    pub updated_by: Option<String>,
}

impl RateLine {
    /// The rate as typed in the form ("1.085").
    pub fn rate(&self) -> String {
        model::format_rate(self.rate_micros)
    }

    /// The base currency's rate is 1 by definition and cannot be edited.
    pub fn is_base(&self) -> bool {
        self.code == BASE
    }
}

/// Every rate, by code.
pub async fn list(conn: &mut AsyncPgConnection, _admin: &Admin) -> ServiceResult<Vec<RateLine>> {
    let rows: Vec<(String, i64, DateTime<Utc>, Option<String>)> = exchange_rates::table
        .left_join(users::table.on(users::id.nullable().eq(exchange_rates::updated_by)))
        .select((
            exchange_rates::code,
            exchange_rates::rate_micros,
            exchange_rates::updated_at,
            users::email.nullable(),
        ))
        .order(exchange_rates::code)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, rate_micros, updated_at, updated_by)| RateLine {
            code,
            rate_micros,
            updated_at,
            updated_by,
        })
        .collect())
}

/// The audit log's object id for rate changes: the rates are one object, the table (the
/// currency is named in the entry's before and after).
pub const RATES_OBJECT_ID: i64 = 0;

/// Sets the rate of `code` to the typed `raw` ("1.085" units per euro), with an audit row in
/// the same transaction; the cache is emptied so that pages show the new rate at once.
/// `Invalid` on `rate` for a rate that is not a positive number; `Refused` for the base.
pub async fn set_rate(
    conn: &mut AsyncPgConnection,
    cache: &RateCache,
    sudo: &Sudo,
    code: &str,
    raw: &str,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    let micros = model::parse_rate(raw).map_err(|message| {
        let mut errors = FieldErrors::new();
        errors.add("rate", message);
        ServiceError::Invalid(errors)
    })?;
    if code == BASE {
        return Err(ServiceError::refused(format!(
            "{BASE} is the currency every rate is against: its rate is always 1."
        )));
    }
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let before: Option<i64> = exchange_rates::table
            .find(code)
            .select(exchange_rates::rate_micros)
            .for_update()
            .first(conn)
            .await
            .optional()?;
        let before = before.ok_or(ServiceError::NotFound)?;
        diesel::update(exchange_rates::table.find(code))
            .set((
                exchange_rates::rate_micros.eq(micros),
                exchange_rates::updated_at.eq(Utc::now()),
                exchange_rates::updated_by.eq(Some(admin.id().get())),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::SetExchangeRate,
                object_type: ObjectType::ExchangeRate,
                object_id: RATES_OBJECT_ID,
                reason: reason.as_str(),
                before: json!({ "currency": code, "rate": model::format_rate(before) }),
                after: json!({ "currency": code, "rate": model::format_rate(micros) }),
            },
        )
        .await?;
        Ok(())
    })
    .await?;
    cache.forget();
    Ok(())
}
