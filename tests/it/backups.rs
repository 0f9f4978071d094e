//! `roost backup` and `roost restore`, run as the real binary: a seeded database and its photos
//! come back identical in a fresh database and data directory; a non-empty target, a newer
//! schema and a damaged archive are refused.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use diesel::{QueryableByName, sql_types::BigInt, sql_types::Text};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use roost::{backup::Manifest, db, seed::stays::Plan};

use crate::support::{empty_database, fresh_database};

/// Runs `roost <args>` against `database_url` and `data_dir`; returns (success, stdout+stderr).
async fn roost(database_url: &str, data_dir: &Path, args: &[&str]) -> (bool, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_roost"));
    command
        .args(args)
        // Away from the checkout, whose `.env` development reads.
        .current_dir(data_dir.parent().expect("a parent directory"))
        .env("DATABASE_URL", database_url)
        .env("ROOST_DATA_DIR", data_dir)
        .env_remove("ROOST_ENV");
    outcome(command).await
}

/// Whether `command` succeeded, and its stdout and stderr.
async fn outcome(mut command: tokio::process::Command) -> (bool, String) {
    let output = command.output().await.expect("run roost");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A seeded database: demo accounts, stays with photos on disk, bookings, and a ledger.
async fn seeded(data_dir: &Path) -> crate::support::TestDatabase {
    let database = fresh_database().await;
    let mut conn = db::connect(&database).await.expect("connect");
    roost::seed::demo_accounts(&mut conn)
        .await
        .expect("accounts");
    roost::seed::stays_in(
        &mut conn,
        data_dir,
        Plan {
            listings: 12,
            bookings: 40,
        },
    )
    .await
    .expect("stays");
    conn.batch_execute(
        "INSERT INTO payments (booking_id, kind, provider, provider_ref, amount, currency, status) \
         SELECT id, 'charge', 'sandbox', 'sbx_pi_' || id, total_amount, currency, 'succeeded' \
         FROM bookings WHERE total_amount > 0 ORDER BY id LIMIT 10; \
         INSERT INTO payments (booking_id, kind, provider, provider_ref, amount, currency, status, refund_of) \
         SELECT booking_id, 'refund', 'sandbox', 'sbx_re_' || id, 1, currency, 'succeeded', id \
         FROM payments ORDER BY id LIMIT 1;",
    )
    .await
    .expect("ledger");
    database
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Every table's row count, and checksums of the bookings and the ledger.
async fn fingerprint(database_url: &str) -> BTreeMap<String, String> {
    let mut conn = db::connect(database_url).await.expect("connect");
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .load(&mut conn)
    .await
    .expect("tables");
    let mut print = BTreeMap::new();
    for Name { name } in tables {
        let count: Count = diesel::sql_query(format!("SELECT count(*) AS count FROM \"{name}\""))
            .get_result(&mut conn)
            .await
            .expect("count");
        print.insert(format!("rows of {name}"), count.count.to_string());
    }
    for table in ["bookings", "booking_events", "payments", "payment_events"] {
        let sum: Name = diesel::sql_query(format!(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS name FROM {table} t"
        ))
        .get_result(&mut conn)
        .await
        .expect("checksum");
        print.insert(format!("md5 of {table}"), sum.name);
    }
    print
}

/// Every file under `dir` with its contents.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside").to_path_buf();
                found.insert(relative, std::fs::read(&path).expect("read"));
            }
        }
    }
    found
}

/// Rewrites the archive at `from` into `to`, letting `change` alter the manifest and the dump.
fn rewrite(from: &Path, to: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let mut archive = tar::Archive::new(std::fs::File::open(from).expect("archive"));
    let mut builder = tar::Builder::new(std::fs::File::create(to).expect("copy"));
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read member");
        let bytes = change(&name, bytes);
        let mut header = entry.header().clone();
        header.set_size(bytes.len() as u64);
        header.set_cksum();
        builder
            .append_data(&mut header, &name, bytes.as_slice())
            .expect("write member");
    }
    builder.finish().expect("finish");
}

/// A seeded source under `work/source` and its archive at `work/backup.tar`, made by
/// `roost backup` (whose output is returned too).
struct BackedUp {
    source: crate::support::TestDatabase,
    source_dir: PathBuf,
    archive: PathBuf,
    output: String,
}

async fn backed_up(work: &Path) -> BackedUp {
    let source_dir = work.join("source");
    let source = seeded(&source_dir).await;
    let archive = work.join("backup.tar");
    let (ok, output) = roost(
        &source,
        &source_dir,
        &["backup", "--to", archive.to_str().expect("utf-8")],
    )
    .await;
    assert!(ok, "{output}");
    BackedUp {
        source,
        source_dir,
        archive,
        output,
    }
}

#[tokio::test]
async fn a_backup_restores_into_a_fresh_database_with_every_row_and_photo() {
    let work = tempfile::tempdir().expect("temporary directory");
    let BackedUp {
        source,
        source_dir,
        archive,
        output,
    } = backed_up(work.path()).await;
    assert!(output.contains("Backup written to"), "{output}");

    // The archive: the dump, every photo, and a manifest with their checksums.
    let mut members = Vec::new();
    let mut manifest = None;
    let mut tar = tar::Archive::new(std::fs::File::open(&archive).expect("archive"));
    for entry in tar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        if name == "manifest.json" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).expect("manifest");
            manifest = Some(serde_json::from_str::<Manifest>(&text).expect("manifest JSON"));
        }
        members.push(name);
    }
    let manifest = manifest.expect("a manifest");
    assert_eq!(manifest.roost_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest.migration_level,
        roost::db::latest_known_migration().expect("migrations")
    );
    let photos = files(&source_dir.join("uploads"));
    assert!(!photos.is_empty(), "the seed stores photos");
    assert_eq!(manifest.upload_count(), photos.len());
    assert!(manifest.checksums.contains_key("database.dump"));
    assert_eq!(members.len(), manifest.checksums.len() + 1, "{members:?}");

    let target = empty_database().await;
    let target_dir = work.path().join("target");
    let (ok, output) = roost(
        &target,
        &target_dir,
        &["restore", archive.to_str().expect("utf-8")],
    )
    .await;
    assert!(ok, "{output}");
    assert!(output.contains("Restored"), "{output}");

    let before = fingerprint(&source).await;
    assert!(before["rows of bookings"] != "0" && before["rows of payments"] != "0");
    assert_eq!(fingerprint(&target).await, before);
    assert_eq!(files(&target_dir.join("uploads")), photos);
}

#[tokio::test]
async fn a_restore_refuses_a_non_empty_target_unless_forced() {
    let work = tempfile::tempdir().expect("temporary directory");
    let BackedUp {
        source,
        source_dir,
        archive,
        ..
    } = backed_up(work.path()).await;
    let archive_arg = archive.to_str().expect("utf-8");

    // A migrated database (tables, no rows) is not empty; nor is a data directory with files.
    let target = fresh_database().await;
    let target_dir = work.path().join("target");
    let (ok, output) = roost(&target, &target_dir, &["restore", archive_arg]).await;
    assert!(!ok, "{output}");
    assert!(output.contains("the target is not empty"), "{output}");
    assert!(output.contains("--force"), "{output}");

    let empty = empty_database().await;
    std::fs::create_dir_all(target_dir.join("uploads/avatars")).expect("uploads");
    std::fs::write(target_dir.join("uploads/avatars/old.jpg"), b"old").expect("a file");
    let (ok, output) = roost(&empty, &target_dir, &["restore", archive_arg]).await;
    assert!(!ok, "{output}");
    assert!(output.contains("holds files"), "{output}");

    let (ok, output) = roost(&target, &target_dir, &["restore", "--force", archive_arg]).await;
    assert!(ok, "{output}");
    assert_eq!(fingerprint(&target).await, fingerprint(&source).await);
    assert_eq!(
        files(&target_dir.join("uploads")),
        files(&source_dir.join("uploads")),
        "the old upload is gone"
    );
}

#[tokio::test]
async fn a_restore_refuses_a_newer_schema_and_a_damaged_archive() {
    let work = tempfile::tempdir().expect("temporary directory");
    let BackedUp { archive, .. } = backed_up(work.path()).await;

    let newer = work.path().join("newer.tar");
    rewrite(&archive, &newer, |name, bytes| {
        if name != "manifest.json" {
            return bytes;
        }
        let mut manifest: Manifest = serde_json::from_slice(&bytes).expect("manifest");
        manifest.migration_level = "99991231000000".into();
        serde_json::to_vec(&manifest).expect("JSON")
    });
    let target = empty_database().await;
    let target_dir = work.path().join("target");
    for force in [false, true] {
        let mut args = vec!["restore", newer.to_str().expect("utf-8")];
        if force {
            args.push("--force");
        }
        let (ok, output) = roost(&target, &target_dir, &args).await;
        assert!(!ok, "{output}");
        assert!(output.contains("is newer than this Roost's"), "{output}");
    }

    let damaged = work.path().join("damaged.tar");
    rewrite(&archive, &damaged, |name, mut bytes| {
        if name == "database.dump"
            && let Some(last) = bytes.last_mut()
        {
            *last ^= 0xff;
        }
        bytes
    });
    let (ok, output) = roost(
        &target,
        &target_dir,
        &["restore", damaged.to_str().expect("utf-8")],
    )
    .await;
    assert!(!ok, "{output}");
    assert!(
        output.contains("checksum mismatch for `database.dump`"),
        "{output}"
    );

    // Nothing was restored by the refused attempts.
    let mut conn = db::connect(&target).await.expect("connect");
    let tables: Count =
        diesel::sql_query("SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public'")
            .get_result(&mut conn)
            .await
            .expect("count");
    assert_eq!(tables.count, 0);
}

/// Runs `roost <args>` on the embedded cluster of `data_dir` (no DATABASE_URL).
async fn embedded_roost(data_dir: &Path, args: &[&str]) -> (bool, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_roost"));
    command
        .args(args)
        .current_dir(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ROOST_ENV")
        .env("ROOST_DATA_DIR", data_dir);
    outcome(command).await
}

#[tokio::test]
async fn the_embedded_cluster_is_backed_up_and_restored_into_a_fresh_one() {
    use roost::db::embedded::{ClusterOptions, EmbeddedCluster};
    let data_dir = || {
        tempfile::Builder::new()
            .prefix("roost-backup-")
            .tempdir_in(crate::foundation::shm())
            .expect("a data directory")
    };
    let (source_dir, target_dir) = (data_dir(), data_dir());
    let archives = tempfile::tempdir().expect("temporary directory");
    let archive = archives.path().join("embedded.tar");
    let archive_arg = archive.to_str().expect("utf-8");

    let (ok, output) = embedded_roost(
        source_dir.path(),
        &["seed", "--listings", "5", "--bookings", "10"],
    )
    .await;
    assert!(ok, "{output}");
    let (ok, output) = embedded_roost(source_dir.path(), &["backup", "--to", archive_arg]).await;
    assert!(ok, "{output}");
    let (ok, output) = embedded_roost(target_dir.path(), &["restore", archive_arg]).await;
    assert!(ok, "{output}");

    let mut prints = Vec::new();
    for dir in [&source_dir, &target_dir] {
        let cluster = EmbeddedCluster::start(dir.path(), ClusterOptions::default())
            .await
            .expect("the cluster starts again");
        prints.push(fingerprint(&cluster.database_url("roost")).await);
        cluster.shutdown().await;
    }
    assert!(prints[0]["rows of bookings"] != "0", "{:?}", prints[0]);
    assert_eq!(prints[0], prints[1]);
    assert_eq!(
        files(&target_dir.path().join("uploads")),
        files(&source_dir.path().join("uploads"))
    );
}
