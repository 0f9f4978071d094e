//! Demo stays at any scale: hosts and guests, listings across the [`PLACES`], their amenities
//! and photos, then bookings with their calendar (see `bookings.rs`). Everything is set-based
//! SQL (`INSERT … SELECT … FROM generate_series`) in batches, so that 100 000 listings and a
//! million bookings take minutes, not hours; randomness comes from PostgreSQL's `random()`.
//!
//! The seeder assumes it is the only writer while it runs (a development tool): the listings
//! of a batch are the ids above the largest one before it.

use std::time::Instant;

use diesel::{
    QueryableByName,
    sql_types::{Array, BigInt, Integer, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::{Rng, distr::Alphanumeric};

use super::{
    bookings,
    photos::{self, PHOTO_SIZE},
    places::PLACES,
};
use crate::{
    accounts::{domain::NewPassword, passwords},
    storage::Storage,
};

/// How much to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub listings: u64,
    pub bookings: u64,
}

impl Plan {
    /// A pleasant demo that is created in a few seconds.
    pub const DEMO: Plan = Plan {
        listings: 300,
        bookings: 2_000,
    };
}

/// Listings per statement (and per progress line).
const BATCH: u64 = 10_000;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn scalar(conn: &mut AsyncPgConnection, sql: &str) -> anyhow::Result<i64> {
    let row: Count = diesel::sql_query(sql).get_result(conn).await?;
    Ok(row.n)
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn random_text(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(|c| char::from(c).to_ascii_lowercase())
        .collect()
}

/// Session-local tables: the places, and numbered hosts and guests to pick from.
async fn temporary_tables(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    for statement in [
        "DROP TABLE IF EXISTS seed_places, seed_hosts, seed_guests",
        "CREATE TEMP TABLE seed_places (n int PRIMARY KEY, city text, region text, country text, \
         timezone text, currency text, price bigint, latitude float8, longitude float8, \
         setting text)",
        "CREATE TEMP TABLE seed_hosts (n bigint PRIMARY KEY, id bigint NOT NULL)",
        "CREATE TEMP TABLE seed_guests (n bigint PRIMARY KEY, id bigint NOT NULL)",
    ] {
        diesel::sql_query(statement).execute(conn).await?;
    }
    let rows: Vec<String> = PLACES
        .iter()
        .enumerate()
        .map(|(n, p)| {
            format!(
                "({n}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                quote(p.city),
                quote(p.region),
                quote(p.country),
                quote(p.timezone),
                quote(p.currency),
                p.price,
                p.latitude,
                p.longitude,
                quote(p.setting.as_str())
            )
        })
        .collect();
    diesel::sql_query(format!(
        "INSERT INTO seed_places VALUES {}",
        rows.join(", ")
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates `count` users (`host-TAG-n@seed.roost.test` …) and numbers them in `table`. They
/// share one password hash of a random password nobody knows: they cannot log in.
async fn users(
    conn: &mut AsyncPgConnection,
    role: &str,
    table: &str,
    count: u64,
    tag: &str,
    hash: &str,
) -> anyhow::Result<()> {
    diesel::sql_query(
        "INSERT INTO users (name, email, password_hash, email_verified_at, is_host, created_at) \
         SELECT (ARRAY['Ana','Ben','Chloé','David','Elif','Farid','Greta','Hiro','Ines','Jonas',\
         'Kemi','Liam','Maya','Noah','Olga','Pablo','Quinn','Rosa','Sven','Tara','Umar','Vera',\
         'Wei','Ximena','Yusuf','Zoe','Aiko','Bruno','Carmen','Dara','Emil','Femi','Gabi','Hana',\
         'Ivan','Jade','Kofi','Lena','Marco','Nina'])[1 + (g % 40)::int] || ' ' || \
         (ARRAY['Silva','Müller','Rossi','Smith','Kim','Dubois','Jansen','Nowak','Tanaka','García',\
         'Olsen','Costa','Murphy','Novak','Ahmed','Berg','Lopez','Chen','Moreau','Weber','Ivanova',\
         'Santos','Kowalski','Haddad','Fischer','Okafor','Larsen','Romano','Bianchi','Sato'])\
         [1 + ((g / 40) % 30)::int], \
         $1 || '-' || $2 || '-' || g || '@seed.roost.test', $3, now(), $4, \
         now() - (30 + random() * 2500) * interval '1 day' \
         FROM generate_series(1, $5::bigint) AS g",
    )
    .bind::<Text, _>(role)
    .bind::<Text, _>(tag)
    .bind::<Text, _>(hash)
    .bind::<diesel::sql_types::Bool, _>(role == "host")
    .bind::<BigInt, _>(count as i64)
    .execute(conn)
    .await?;
    diesel::sql_query(format!(
        "INSERT INTO {table} (n, id) SELECT row_number() OVER (ORDER BY id) - 1, id FROM users \
         WHERE email LIKE $1"
    ))
    .bind::<Text, _>(format!("{role}-{tag}-%@seed.roost.test"))
    .execute(conn)
    .await?;
    Ok(())
}

/// Listings `from..=to` (a batch), spread over the places (popular ones more often).
const INSERT_LISTINGS: &str = include_str!("listings.sql");

/// Amenities by probability, depending on the place and the type of the listing.
const INSERT_AMENITIES: &str = include_str!("amenities.sql");

const INSERT_PHOTOS: &str = "INSERT INTO listing_photos \
     (listing_id, image_key, thumb_key, width, height, position, caption) \
     SELECT l.id, ($3::text[])[1 + ((l.id * 7 + k * 5) % $5)::int], \
     ($4::text[])[1 + ((l.id * 7 + k * 5) % $5)::int], $6, $7, k, \
     (ARRAY['Living room','Bedroom','Kitchen','The view','Bathroom','Terrace'])[1 + k % 6] \
     FROM listings l CROSS JOIN LATERAL generate_series(0, 2 + (l.id % 4)::int) AS k \
     WHERE l.id > $1 AND l.id <= $2 AND l.id % 20 <> 0";

const SET_COVERS: &str = "UPDATE listings l SET cover_photo_id = \
     (SELECT p.id FROM listing_photos p WHERE p.listing_id = l.id ORDER BY p.position, p.id LIMIT 1) \
     WHERE l.id > $1 AND l.id <= $2 AND l.cover_photo_id IS NULL";

/// What a run created.
#[derive(Debug, Default)]
pub struct Summary {
    pub listings: i64,
    pub bookings: i64,
    pub calendar_entries: i64,
}

/// Creates the plan's stays; `storage` receives the placeholder photos.
pub async fn stays(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    plan: Plan,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let tag = random_text(6);
    let password = NewPassword::parse(&random_text(24)).map_err(anyhow::Error::msg)?;
    let hash = passwords::hash(&password)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let photos = photos::ensure(storage).await?;
    println!(
        "  {} placeholder photos ({:.1?})",
        photos.len(),
        started.elapsed()
    );
    let image_keys: Vec<String> = photos.iter().map(|p| p.image_key.clone()).collect();
    let thumb_keys: Vec<String> = photos.iter().map(|p| p.thumb_key.clone()).collect();
    temporary_tables(conn).await?;
    let hosts = (plan.listings / 5).clamp(1, 20_000);
    let guests = (plan.bookings / 20).clamp(20, 50_000);
    users(conn, "host", "seed_hosts", hosts, &tag, &hash).await?;
    users(conn, "guest", "seed_guests", guests, &tag, &hash).await?;
    println!(
        "  {hosts} hosts and {guests} guests ({:.1?})",
        started.elapsed()
    );

    let first_id = scalar(conn, "SELECT coalesce(max(id), 0) AS n FROM listings").await?;
    let mut made = 0;
    while made < plan.listings {
        let size = BATCH.min(plan.listings - made);
        let before = scalar(conn, "SELECT coalesce(max(id), 0) AS n FROM listings").await?;
        diesel::sql_query(INSERT_LISTINGS)
            .bind::<BigInt, _>(made as i64)
            .bind::<BigInt, _>((made + size - 1) as i64)
            .bind::<BigInt, _>(hosts as i64)
            .bind::<Integer, _>(PLACES.len() as i32)
            .execute(conn)
            .await?;
        let after = scalar(conn, "SELECT coalesce(max(id), 0) AS n FROM listings").await?;
        diesel::sql_query(INSERT_AMENITIES)
            .bind::<BigInt, _>(before)
            .bind::<BigInt, _>(after)
            .execute(conn)
            .await?;
        diesel::sql_query(INSERT_PHOTOS)
            .bind::<BigInt, _>(before)
            .bind::<BigInt, _>(after)
            .bind::<Array<Text>, _>(&image_keys)
            .bind::<Array<Text>, _>(&thumb_keys)
            .bind::<BigInt, _>(image_keys.len() as i64)
            .bind::<Integer, _>(PHOTO_SIZE.0 as i32)
            .bind::<Integer, _>(PHOTO_SIZE.1 as i32)
            .execute(conn)
            .await?;
        // The first photo is the cover, as when a host uploads photos.
        diesel::sql_query(SET_COVERS)
            .bind::<BigInt, _>(before)
            .bind::<BigInt, _>(after)
            .execute(conn)
            .await?;
        made += size;
        println!(
            "  listings: {made}/{} with amenities and photos ({:.1?})",
            plan.listings,
            started.elapsed()
        );
    }
    let last_id = scalar(conn, "SELECT coalesce(max(id), 0) AS n FROM listings").await?;
    let summary = bookings::create(
        conn,
        first_id,
        last_id,
        plan.bookings,
        guests,
        &tag,
        started,
    )
    .await?;
    bookings::welcome_demo_accounts(conn, first_id, last_id).await?;
    // After the demo accounts got their stays: the demo guest's are left for them to review.
    let mut reviews = 0;
    let mut from = first_id;
    while from < last_id {
        let to = (from + BATCH as i64).min(last_id);
        reviews += super::reviews::create(conn, from, to).await?;
        from = to;
    }
    println!("  reviews: {reviews} ({:.1?})", started.elapsed());
    // Fresh statistics for the planner, and a visibility map for index-only scans (search
    // reads its covering indexes without visiting the table only for all-visible pages).
    diesel::sql_query("VACUUM (ANALYZE)").execute(conn).await?;
    diesel::sql_query("DROP TABLE IF EXISTS seed_places, seed_hosts, seed_guests")
        .execute(conn)
        .await?;
    println!("  done in {:.1?}", started.elapsed());
    Ok(Summary {
        listings: last_id - first_id,
        ..summary
    })
}
