//! Each vocabulary of bookings and payments (a `text_enum!`) spells exactly the values its
//! column's CHECK constraint allows, so that the enum and the database stay in step.

use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use roost::{
    bookings::ledger::{PaymentKind, PaymentStatus, Provider},
    bookings::{domain::Status, pending_change::ChangeStatus, policy::Policy},
};

use crate::support::TestApp;

#[derive(diesel::QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// The values `table.column`'s `CHECK (column IN (…))` allows, read from `pg_constraint`.
async fn allowed(app: &TestApp, table: &str, column: &str) -> Vec<String> {
    let mut conn = app.pool.get().await.expect("connection");
    let definitions: Vec<Definition> = diesel::sql_query(
        "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         WHERE t.relname = $1 AND c.contype = 'c' \
           AND pg_get_constraintdef(c.oid) LIKE '%(' || $2 || ' = ANY%'",
    )
    .bind::<Text, _>(table)
    .bind::<Text, _>(column)
    .load(&mut conn)
    .await
    .expect("constraints");
    assert_eq!(definitions.len(), 1, "one CHECK lists {table}.{column}");
    let mut values: Vec<String> = definitions[0]
        .definition
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    values.sort();
    values
}

fn spelled(all: &[&'static str]) -> Vec<String> {
    let mut values: Vec<String> = all.iter().map(|value| value.to_string()).collect();
    values.sort();
    values
}

#[tokio::test]
async fn every_booking_and_payment_vocabulary_matches_its_check_constraint() {
    let app = TestApp::spawn().await;
    let cases: [(&str, &str, Vec<&'static str>); 6] = [
        (
            "bookings",
            "status",
            Status::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "bookings",
            "cancellation_policy",
            Policy::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "booking_changes",
            "status",
            ChangeStatus::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "payments",
            "kind",
            PaymentKind::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "payments",
            "status",
            PaymentStatus::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "payments",
            "provider",
            Provider::ALL.iter().map(|v| v.as_str()).collect(),
        ),
    ];
    for (table, column, values) in cases {
        assert_eq!(
            spelled(&values),
            allowed(&app, table, column).await,
            "{table}.{column}"
        );
    }
}
