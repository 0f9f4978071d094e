//! Each vocabulary of listings, photos and calendars (a `text_enum!`) spells exactly the values
//! its column's `CHECK` constraint allows, so that the enum and the database stay in step.

use diesel::{QueryableByName, sql_types::Text};
use diesel_async::RunQueryDsl;
use roost::listings::{
    calendar::CalendarEntryKind,
    model::{CancellationPolicy, ListingStatus, PropertyType},
};

use crate::support::TestApp;

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// The values the `CHECK (column IN (…))` constraint of `table` allows, sorted.
async fn check_values(app: &TestApp, table: &str, column: &str) -> Vec<String> {
    let mut conn = app.pool.get().await.expect("connection");
    let definitions: Vec<Definition> = diesel::sql_query(
        "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         WHERE t.relname = $1 AND c.contype = 'c'",
    )
    .bind::<Text, _>(table)
    .load(&mut conn)
    .await
    .expect("constraints");
    let wanted = format!("({column} = ANY");
    let matching: Vec<&Definition> = definitions
        .iter()
        .filter(|d| d.definition.contains(&wanted))
        .collect();
    assert_eq!(matching.len(), 1, "one CHECK on {table}.{column}");
    let mut values: Vec<String> = matching[0]
        .definition
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    values.sort();
    values
}

fn spellings<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    let mut values: Vec<String> = all.iter().map(|v| as_str(*v).to_string()).collect();
    values.sort();
    values
}

#[tokio::test]
async fn listing_statuses_are_those_the_database_allows() {
    let app = TestApp::spawn().await;
    assert_eq!(
        spellings(ListingStatus::ALL, ListingStatus::as_str),
        check_values(&app, "listings", "status").await
    );
}

#[tokio::test]
async fn property_types_are_those_the_database_allows() {
    let app = TestApp::spawn().await;
    assert_eq!(
        spellings(PropertyType::ALL, PropertyType::as_str),
        check_values(&app, "listings", "property_type").await
    );
}

#[tokio::test]
async fn cancellation_policies_are_those_the_database_allows() {
    let app = TestApp::spawn().await;
    assert_eq!(
        spellings(CancellationPolicy::ALL, CancellationPolicy::as_str),
        check_values(&app, "listings", "cancellation_policy").await
    );
}

#[tokio::test]
async fn calendar_entry_kinds_are_those_the_database_allows() {
    let app = TestApp::spawn().await;
    assert_eq!(
        spellings(CalendarEntryKind::ALL, CalendarEntryKind::as_str),
        check_values(&app, "calendar_entries", "kind").await
    );
}
