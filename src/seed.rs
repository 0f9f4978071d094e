//! Demo data for development (`roost seed`, and the first start of an empty development
//! database) and `roost create-admin`. Production never creates an account by itself.
//!
//! Stays at any scale (`roost seed --listings 100000 --bookings 1000000`) come from
//! [`stays::stays`]; the accounts here are the three demo accounts and administrators.

mod bookings;
mod photos;
mod places;
mod reviews;
pub mod stays;

use std::io::{BufRead, IsTerminal, Write};

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::{Rng, distr::Alphanumeric};

use crate::{
    accounts::{
        domain::{EmailAddress, NewPassword},
        model, passwords,
    },
    schema::users,
};

/// A demo account: who it is for and its address.
struct DemoAccount {
    role: &'static str,
    name: &'static str,
    email: &'static str,
    host: bool,
    admin: bool,
}

const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        role: "guest",
        name: "Gina Guest",
        email: "guest@roost.test",
        host: false,
        admin: false,
    },
    DemoAccount {
        role: "host",
        name: "Hugo Host",
        email: "host@roost.test",
        host: true,
        admin: false,
    },
    DemoAccount {
        role: "admin",
        name: "Ada Admin",
        email: "admin@roost.test",
        host: false,
        admin: true,
    },
];

fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// What `roost seed` creates for its flags; `None` (no flags) means the demo set, when no
/// listing exists yet. `--listings N` alone books about seven stays per listing.
pub fn plan(listings: Option<u64>, bookings: Option<u64>) -> Option<stays::Plan> {
    if listings.is_none() && bookings.is_none() {
        return None;
    }
    let listings = listings.unwrap_or(stays::Plan::DEMO.listings);
    Some(stays::Plan {
        listings,
        bookings: bookings.unwrap_or(listings.saturating_mul(7)),
    })
}

/// Whether any listing exists.
pub async fn has_listings(conn: &mut AsyncPgConnection) -> anyhow::Result<bool> {
    let count: i64 = crate::schema::listings::table
        .count()
        .get_result(conn)
        .await?;
    Ok(count > 0)
}

/// Creates demo stays, their placeholder photos stored under `data_dir/uploads` (where the
/// server's local-disk storage reads them).
pub async fn stays_in(
    conn: &mut AsyncPgConnection,
    data_dir: &std::path::Path,
    plan: stays::Plan,
) -> anyhow::Result<stays::Summary> {
    let storage: crate::storage::Storage =
        std::sync::Arc::new(crate::storage::LocalDisk::new(data_dir.join("uploads")));
    println!(
        "Creating {} listings and {} bookings of demo data…",
        plan.listings, plan.bookings
    );
    stays::stays(conn, &storage, plan).await
}

/// Whether the database has no account yet.
pub async fn is_empty(conn: &mut AsyncPgConnection) -> anyhow::Result<bool> {
    let count: i64 = users::table.count().get_result(conn).await?;
    Ok(count == 0)
}

/// Creates the missing demo accounts, with fresh random passwords printed to the console.
pub async fn demo_accounts(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    let mut created = Vec::new();
    for account in &DEMO_ACCOUNTS {
        if model::find_by_email(conn, account.email).await?.is_some() {
            continue;
        }
        let password = random_password();
        let hash = passwords::hash(&NewPassword::parse(&password).map_err(anyhow::Error::msg)?)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        diesel::insert_into(users::table)
            .values((
                users::name.eq(account.name),
                users::email.eq(account.email),
                users::password_hash.eq(hash),
                users::email_verified_at.eq(Some(Utc::now())),
                users::is_host.eq(account.host),
                users::is_admin.eq(account.admin),
            ))
            .execute(conn)
            .await?;
        created.push((account.role, account.email, password));
    }
    if created.is_empty() {
        println!("Demo accounts already exist (their passwords were printed when they were made).");
        return Ok(());
    }
    println!();
    println!("  Demo accounts (development only; passwords shown once):");
    for (role, email, password) in created {
        println!("    {role:<6} {email:<20} password: {password}");
    }
    println!();
    Ok(())
}

/// Reads a password: from standard input when it is not a terminal, otherwise prompted for
/// twice without echo.
pub fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = prompt_hidden("Password: ")?;
    let second = prompt_hidden("Repeat the password: ")?;
    if first != second {
        anyhow::bail!("the two passwords differ");
    }
    Ok(first)
}

fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let saved = tcgetattr(&stdin)?;
    let mut hidden = saved.clone();
    hidden.local_flags.remove(LocalFlags::ECHO);
    print!("{prompt}");
    std::io::stdout().flush()?;
    tcsetattr(&stdin, SetArg::TCSANOW, &hidden)?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    tcsetattr(&stdin, SetArg::TCSANOW, &saved)?;
    println!();
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Creates a verified administrator account.
pub async fn create_admin(
    conn: &mut AsyncPgConnection,
    email: &str,
    password: &str,
) -> anyhow::Result<i64> {
    let email = EmailAddress::parse(email).map_err(anyhow::Error::msg)?;
    let password =
        NewPassword::parse(password).map_err(|problem| anyhow::anyhow!("password: {problem}"))?;
    if model::find_by_email(conn, email.as_ref()).await?.is_some() {
        anyhow::bail!("an account with {email} already exists");
    }
    let hash = passwords::hash(&password)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let id = diesel::insert_into(users::table)
        .values((
            users::name.eq("Administrator"),
            users::email.eq(email.as_ref()),
            users::password_hash.eq(hash),
            users::email_verified_at.eq(Some(Utc::now())),
            users::is_admin.eq(true),
        ))
        .returning(users::id)
        .get_result(conn)
        .await?;
    Ok(id)
}
