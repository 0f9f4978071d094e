//! Hand-written SQL that Diesel prepares once per connection and reuses, with typed rows.
//!
//! `diesel::sql_query` never caches its statement, so every call pays a Parse round trip and
//! PostgreSQL plans it again. A [`Sql`] is cached by its text (the statement cache keys on
//! text and bind types), so build texts from a small, fixed set of fragments — values go in
//! binds only, never in the text — and each distinct text is prepared once per connection.
//! Rows are read by position into a `Queryable` struct (no lookup of columns by name).

use std::marker::PhantomData;

use chrono::NaiveDate;
use diesel::{
    QueryResult,
    pg::Pg,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    sql_types::{Array, BigInt, Date, Integer, Text},
};

/// A bind parameter.
#[derive(Clone, Debug)]
pub enum Bind {
    Text(String),
    BigInt(i64),
    Int(i32),
    Date(NaiveDate),
    BigInts(Vec<i64>),
    Texts(Vec<String>),
}

/// A statement under construction: text with `$n` placeholders, and the binds they name.
#[derive(Debug, Default)]
pub struct SqlBuilder {
    text: String,
    binds: Vec<Bind>,
}

impl SqlBuilder {
    /// Adds a bind and returns its placeholder (`$1`, `$2`…), to be written into the text
    /// once or several times.
    pub fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    /// Sets the text (placeholders from [`SqlBuilder::param`]).
    pub fn text(&mut self, text: String) {
        self.text = text;
    }

    /// The statement's plan as PostgreSQL's `EXPLAIN` prints it, one line per row.
    pub fn explain(mut self) -> Sql<diesel::sql_types::Text> {
        self.text.insert_str(0, "EXPLAIN ");
        self.build()
    }

    /// The finished statement, whose rows have SQL type `ST` (a tuple for several columns).
    pub fn build<ST>(self) -> Sql<ST> {
        Sql {
            text: self.text,
            binds: self.binds,
            row: PhantomData,
        }
    }
}

/// A cacheable statement whose rows have SQL type `ST`; run it with diesel-async's
/// `RunQueryDsl` (`load`, `get_result`…).
#[derive(Debug)]
pub struct Sql<ST> {
    text: String,
    binds: Vec<Bind>,
    row: PhantomData<fn() -> ST>,
}

impl<ST> Sql<ST> {
    /// The SQL text, as sent (for EXPLAIN in tests and benchmarks).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<ST> QueryId for Sql<ST> {
    type QueryId = ();
    // Not static: the statement cache then keys on the text and the bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: 'static> Query for Sql<ST> {
    type SqlType = ST;
}

impl<ST> QueryFragment<Pg> for Sql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Each `$n` of the text becomes a bind of its own, in order of appearance: a value
        // written twice is sent twice, so the numbering Diesel writes stays sequential.
        let mut rest = self.text.as_str();
        while let Some(at) = rest.find('$') {
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                out.push_sql(&rest[..=at]);
                rest = &rest[at + 1..];
                continue;
            }
            out.push_sql(&rest[..at]);
            let number: usize = rest[at + 1..at + 1 + digits]
                .parse()
                .map_err(|_| diesel::result::Error::QueryBuilderError("bad placeholder".into()))?;
            let bind = number
                .checked_sub(1)
                .and_then(|index| self.binds.get(index))
                .ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError(
                        format!("placeholder ${number} has no bind").into(),
                    )
                })?;
            match bind {
                Bind::Text(value) => out.push_bind_param::<Text, _>(value)?,
                Bind::BigInt(value) => out.push_bind_param::<BigInt, _>(value)?,
                Bind::Int(value) => out.push_bind_param::<Integer, _>(value)?,
                Bind::Date(value) => out.push_bind_param::<Date, _>(value)?,
                Bind::BigInts(value) => out.push_bind_param::<Array<BigInt>, _>(value)?,
                Bind::Texts(value) => out.push_bind_param::<Array<Text>, _>(value)?,
            }
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::debug_query;

    #[test]
    fn placeholders_become_sequential_binds_in_order_of_appearance() {
        let mut builder = SqlBuilder::default();
        let a = builder.param(Bind::Int(7));
        let b = builder.param(Bind::Text("x".into()));
        builder.text(format!(
            "SELECT {b}, {a} WHERE {a} > 1 AND price = $$ OR {b} = ''"
        ));
        let sql = builder.build::<Integer>();
        let shown = debug_query::<Pg, _>(&sql).to_string();
        assert!(
            shown.starts_with("SELECT $1, $2 WHERE $3 > 1 AND price = $$ OR $4 = ''"),
            "{shown}"
        );
        assert!(shown.contains(r#"["x", 7, 7, "x"]"#), "{shown}");
    }

    #[test]
    fn a_placeholder_without_a_bind_is_an_error_not_a_panic() {
        let mut builder = SqlBuilder::default();
        builder.text("SELECT $2".into());
        let sql = builder.build::<Integer>();
        let mut query_builder = diesel::pg::PgQueryBuilder::default();
        assert!(QueryFragment::<Pg>::to_sql(&sql, &mut query_builder, &Pg).is_err());
    }
}
