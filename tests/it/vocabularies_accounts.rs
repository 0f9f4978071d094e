//! The vocabularies of accounts and reviews stay in step with their columns' CHECK constraints:
//! every Rust value is allowed by the database, and every allowed value has a Rust name.

use std::collections::BTreeSet;

use diesel::{QueryableByName, sql_types::Text};
use diesel_async::RunQueryDsl;
use roost::{
    accounts::tokens::Purpose,
    reviews::model::{Direction, NoticeKind},
};

use crate::support::TestApp;

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// The values the CHECK constraint of `table.column` allows (PostgreSQL keeps `column IN (…)`
/// as `column = ANY (ARRAY['a'::text, …])`).
async fn allowed(app: &TestApp, table: &str, column: &str) -> BTreeSet<String> {
    let mut conn = app.pool.get().await.expect("connection");
    let definitions: Vec<Definition> = diesel::sql_query(
        "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint \
         WHERE conrelid = $1::regclass AND contype = 'c'",
    )
    .bind::<Text, _>(table)
    .load(&mut conn)
    .await
    .expect("constraints");
    let marker = format!("({column} = ANY (ARRAY[");
    let definition = definitions
        .into_iter()
        .map(|d| d.definition)
        .find(|definition| definition.contains(&marker))
        .unwrap_or_else(|| panic!("no CHECK of {table}.{column} lists its values"));
    let list = &definition[definition.find(&marker).expect("marker") + marker.len()..];
    let list = &list[..list.find(']').expect("end of the list")];
    list.split(',')
        .map(|item| {
            item.trim()
                .trim_end_matches("::text")
                .trim_matches('\'')
                .to_string()
        })
        .collect()
}

fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|value| as_str(*value).to_string()).collect()
}

#[tokio::test]
async fn the_review_direction_matches_its_check_constraint() {
    let app = TestApp::spawn().await;
    assert_eq!(
        names(Direction::ALL, Direction::as_str),
        allowed(&app, "reviews", "direction").await
    );
}

#[tokio::test]
async fn the_review_notice_kind_matches_its_check_constraint() {
    let app = TestApp::spawn().await;
    assert_eq!(
        names(NoticeKind::ALL, NoticeKind::as_str),
        allowed(&app, "review_notices", "kind").await
    );
}

#[tokio::test]
async fn the_link_purpose_matches_its_check_constraint() {
    let app = TestApp::spawn().await;
    assert_eq!(
        names(Purpose::ALL, Purpose::as_str),
        allowed(&app, "account_tokens", "purpose").await
    );
}
