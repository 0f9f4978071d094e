//! The places a location query names (`amster:*` → the ids of Amsterdam's places), looked up
//! once per query text and kept in memory for a minute.
//!
//! Why: matching the words against `places` inside every search statement cost more than
//! the walk of the listings itself (measured with pgbench at 100 000 listings: 0.39 ms for
//! the statement with the lookup, 0.18 ms for the same walk given the place id). Places
//! change rarely: a row is added when a listing is saved in a city, region and country no
//! listing had before, and rows are never removed. A cached answer can therefore only miss
//! a place created since; this process forgets everything when one of its hosts saves a
//! listing (`forget_all`), and other processes within [`TIME_TO_LIVE`]. Words that named no
//! place still search the listings' own documents, which find a new city's stays anyway.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{Bind, SqlBuilder};

/// How long an answer is trusted when another process may have added places.
pub const TIME_TO_LIVE: Duration = Duration::from_secs(60);
/// Words naming more places than this (a one-letter prefix) are searched as words.
pub const MAX_PLACES: usize = 500;
/// Query texts longer than this are looked up every time (nobody types such place names,
/// and the cache is not a store for arbitrary strings).
const MAX_KEY_LEN: usize = 120;
/// Bounds the memory held: past this many place ids in all, the cache starts over.
const MAX_CACHED_IDS: usize = 100_000;
/// Bounds the number of entries (each answer costs at least a key and a header).
const MAX_ENTRIES: usize = 20_000;

/// The places a query names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Named {
    /// Ids in ascending order; empty when the words name no place.
    Places(Arc<[i64]>),
    /// More than [`MAX_PLACES`].
    TooMany,
}

impl Named {
    fn id_count(&self) -> usize {
        match self {
            Named::Places(ids) => ids.len(),
            Named::TooMany => 0,
        }
    }
}

struct Entry {
    named: Named,
    looked_up_at: Instant,
}

#[derive(Default)]
struct Entries {
    by_query: HashMap<String, Entry>,
    id_count: usize,
}

/// The cache, shared by the workers of a process (it lives in `AppState`).
#[derive(Default)]
pub struct PlaceDirectory {
    entries: RwLock<Entries>,
}

impl PlaceDirectory {
    /// The places the prefix query `query` names: from memory, or one indexed lookup.
    pub async fn named(
        &self,
        conn: &mut AsyncPgConnection,
        query: &str,
    ) -> diesel::QueryResult<Named> {
        if let Some(named) = self.cached(query) {
            return Ok(named);
        }
        let named = look_up(conn, query).await?;
        self.remember(query, &named);
        Ok(named)
    }

    /// Drops every answer: called after this process saved a listing, whose city, region or
    /// country may be a new place.
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.write() {
            *entries = Entries::default();
        }
    }

    fn cached(&self, query: &str) -> Option<Named> {
        let entries = self.entries.read().ok()?;
        let entry = entries.by_query.get(query)?;
        (entry.looked_up_at.elapsed() < TIME_TO_LIVE).then(|| entry.named.clone())
    }

    fn remember(&self, query: &str, named: &Named) {
        if query.len() > MAX_KEY_LEN {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.by_query.len() >= MAX_ENTRIES
            || entries.id_count + named.id_count() > MAX_CACHED_IDS
        {
            *entries = Entries::default();
        }
        entries.id_count += named.id_count();
        let entry = Entry {
            named: named.clone(),
            looked_up_at: Instant::now(),
        };
        if let Some(old) = entries.by_query.insert(query.to_string(), entry) {
            entries.id_count -= old.named.id_count();
        }
    }
}

/// The places whose city, region or country match the prefix query, by `places_search_idx`.
pub async fn look_up(conn: &mut AsyncPgConnection, query: &str) -> diesel::QueryResult<Named> {
    let mut sql = SqlBuilder::default();
    let (words, limit) = (
        sql.param(Bind::Text(query.to_string())),
        sql.param(Bind::BigInt(MAX_PLACES as i64 + 1)),
    );
    sql.text(format!(
        "SELECT id FROM places WHERE search_document @@ to_tsquery('simple', {words}) \
         LIMIT {limit}"
    ));
    let mut ids: Vec<i64> = sql.build::<BigInt>().load(conn).await?;
    if ids.len() > MAX_PLACES {
        return Ok(Named::TooMany);
    }
    ids.sort_unstable();
    Ok(Named::Places(ids.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(ids: &[i64]) -> Named {
        Named::Places(ids.into())
    }

    #[test]
    fn answers_are_kept_per_query_text_until_forgotten() {
        let directory = PlaceDirectory::default();
        assert_eq!(directory.cached("paris:*"), None);
        directory.remember("paris:*", &places(&[3, 7]));
        directory.remember("zzz:*", &places(&[]));
        assert_eq!(directory.cached("paris:*"), Some(places(&[3, 7])));
        assert_eq!(directory.cached("zzz:*"), Some(places(&[])));
        assert_eq!(directory.cached("rome:*"), None);
        directory.forget_all();
        assert_eq!(directory.cached("paris:*"), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let directory = PlaceDirectory::default();
        directory.remember(&"x".repeat(MAX_KEY_LEN + 1), &places(&[1]));
        assert_eq!(directory.entries.read().expect("lock").by_query.len(), 0);
        let many: Vec<i64> = (0..MAX_PLACES as i64).collect();
        for n in 0..(MAX_CACHED_IDS / MAX_PLACES + 1) {
            directory.remember(&format!("q{n}:*"), &places(&many));
        }
        let entries = directory.entries.read().expect("lock");
        assert!(entries.id_count <= MAX_CACHED_IDS, "{}", entries.id_count);
        assert_eq!(
            entries.id_count,
            entries
                .by_query
                .values()
                .map(|e| e.named.id_count())
                .sum::<usize>()
        );
    }

    #[test]
    fn an_answer_replaced_is_counted_once() {
        let directory = PlaceDirectory::default();
        directory.remember("paris:*", &places(&[1, 2]));
        directory.remember("paris:*", &places(&[1, 2, 3]));
        assert_eq!(directory.entries.read().expect("lock").id_count, 3);
    }
}
