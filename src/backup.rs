//! `roost backup` and `roost restore`: one tar archive holding a `pg_dump` custom-format dump of
//! the database, the uploaded files (`ROOST_DATA_DIR/uploads`) and a `manifest.json` (Roost's
//! version, the migration level, the time, a SHA-256 checksum of every other member).
//!
//! `pg_dump` and `pg_restore` run as child processes found where the embedded cluster's server
//! binaries are; the password of the database URL reaches them through `PGPASSWORD`, never
//! their command line (which any user of the machine can read). Archive work (hashing, tar)
//! runs on blocking threads, never on the async executor.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{self, BufReader, BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use diesel::{QueryableByName, sql_types::BigInt};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{db, storage::is_valid_key};

/// The manifest's own name inside the archive.
pub const MANIFEST: &str = "manifest.json";
/// The database dump's name inside the archive.
pub const DATABASE_DUMP: &str = "database.dump";
/// The folder of the uploaded files inside the archive (and under the data directory).
pub const UPLOADS: &str = "uploads";
/// The archive layout this Roost writes and reads.
const FORMAT: u32 = 1;

/// What an archive holds, written into it as `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub roost_version: String,
    /// The latest migration applied to the database when it was dumped.
    pub migration_level: String,
    pub created_at: DateTime<Utc>,
    /// SHA-256 (hex) of every other member, by its name in the archive.
    pub checksums: BTreeMap<String, String>,
}

impl Manifest {
    /// How many uploaded files the archive holds.
    pub fn upload_count(&self) -> usize {
        self.checksums
            .keys()
            .filter(|name| name.starts_with("uploads/"))
            .count()
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// How many tables the database's `public` schema holds (a restore wants none).
async fn table_count(database_url: &str) -> anyhow::Result<i64> {
    let mut conn = db::connect(database_url).await?;
    let tables: Count =
        diesel::sql_query("SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public'")
            .get_result(&mut conn)
            .await?;
    Ok(tables.count)
}

/// A database URL split for libpq's tools: the URL without its password, and the password.
fn libpq_target(database_url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut url = url::Url::parse(database_url).context("DATABASE_URL is not a valid URL")?;
    let password = url.password().map(|encoded| {
        percent_encoding::percent_decode_str(encoded)
            .decode_utf8_lossy()
            .into_owned()
    });
    url.set_password(None)
        .map_err(|()| anyhow::anyhow!("DATABASE_URL has no host"))?;
    Ok((url.to_string(), password))
}

/// Runs `program` (`pg_dump` or `pg_restore`) against the database with `args`.
async fn run_client_tool(program: &str, database_url: &str, args: &[&str]) -> anyhow::Result<()> {
    let dir = db::embedded::find_client_tools().context(
        "pg_dump and pg_restore were not found (looked in ROOST_POSTGRES_BIN, on PATH, in \
         `pg_config --bindir` and in /usr/lib/postgresql/*/bin); install the PostgreSQL \
         client tools (Debian: `apt-get install postgresql-client`)",
    )?;
    let (url, password) = libpq_target(database_url)?;
    let mut command = tokio::process::Command::new(dir.join(program));
    command
        .args(args)
        .arg(format!("--dbname={url}"))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .output()
        .await
        .with_context(|| format!("running {}", dir.join(program).display()))?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The default archive name: `roost-backup-<UTC time>.tar` in the current directory.
pub fn default_archive_name(now: DateTime<Utc>) -> PathBuf {
    PathBuf::from(format!("roost-backup-{}.tar", now.format("%Y%m%dT%H%M%SZ")))
}

/// A path beside `path` for work in progress (removed when dropped).
struct Scratch(PathBuf);

impl Scratch {
    fn beside(path: &Path, what: &str) -> Self {
        let name = format!(
            ".{}.{what}-{}",
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            uuid::Uuid::new_v4().simple()
        );
        Scratch(path.with_file_name(name))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// SHA-256 of a file, read as a stream.
fn sha256_of(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut BufReader::new(File::open(path)?), &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Every regular file under `root`, with its path relative to it (`/`-separated).
fn files_under(root: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file()
                && let Ok(relative) = entry.path().strip_prefix(root)
            {
                found.push((relative.to_string_lossy().replace('\\', "/"), entry.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes the archive of `database_url` and `data_dir/uploads` to `archive`.
pub async fn backup(
    database_url: &str,
    data_dir: &Path,
    archive: &Path,
) -> anyhow::Result<Manifest> {
    let migration_level = db::applied_migration_level(database_url)
        .await?
        .context("the database has no migrations applied: there is nothing to back up")?;
    if let Some(parent) = archive.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let dump = Scratch::beside(archive, "dump");
    let dump_path = dump.0.to_string_lossy().into_owned();
    run_client_tool(
        "pg_dump",
        database_url,
        &["--format=custom", "--file", &dump_path],
    )
    .await?;
    let uploads = data_dir.join(UPLOADS);
    let archive = archive.to_path_buf();
    tokio::task::spawn_blocking(move || write_archive(&archive, &dump.0, &uploads, migration_level))
        .await?
}

fn write_archive(
    archive: &Path,
    dump: &Path,
    uploads: &Path,
    migration_level: String,
) -> anyhow::Result<Manifest> {
    let mut members = vec![(DATABASE_DUMP.to_string(), dump.to_path_buf())];
    for (relative, path) in files_under(uploads)? {
        members.push((format!("{UPLOADS}/{relative}"), path));
    }
    let partial = Scratch::beside(archive, "partial");
    let mut builder = tar::Builder::new(BufWriter::new(
        File::create(&partial.0).with_context(|| format!("creating {}", archive.display()))?,
    ));
    builder.mode(tar::HeaderMode::Deterministic);
    let mut checksums = BTreeMap::new();
    for (name, path) in &members {
        checksums.insert(name.clone(), sha256_of(path)?);
        builder
            .append_path_with_name(path, name)
            .with_context(|| format!("adding {}", path.display()))?;
    }
    let manifest = Manifest {
        format: FORMAT,
        roost_version: env!("CARGO_PKG_VERSION").to_string(),
        migration_level,
        created_at: Utc::now(),
        checksums,
    };
    let text = serde_json::to_vec_pretty(&manifest)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
    builder.append_data(&mut header, MANIFEST, text.as_slice())?;
    let mut file = builder.into_inner()?;
    file.flush()?;
    file.get_ref().sync_all()?;
    // Only a complete archive ever carries the requested name.
    std::fs::rename(&partial.0, archive)
        .with_context(|| format!("moving the archive to {}", archive.display()))?;
    Ok(manifest)
}

/// Unpacks `archive` into `staging` and checks it: the members are ours, every checksum
/// matches its manifest.
fn unpack_and_verify(archive: &Path, staging: &Path) -> anyhow::Result<Manifest> {
    std::fs::create_dir_all(staging)?;
    let file = File::open(archive).with_context(|| format!("opening {}", archive.display()))?;
    let mut tar = tar::Archive::new(BufReader::new(file));
    let mut found = BTreeMap::new();
    for entry in tar.entries().context("reading the archive")? {
        let mut entry = entry.context("reading the archive")?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let ours = name == MANIFEST
            || name == DATABASE_DUMP
            || name.strip_prefix("uploads/").is_some_and(is_valid_key);
        if !ours || entry.header().entry_type() != tar::EntryType::Regular {
            bail!("the archive holds `{name}`, which no Roost backup contains");
        }
        if !entry.unpack_in(staging)? {
            bail!("the archive's member `{name}` points outside it");
        }
        if name != MANIFEST {
            found.insert(name.clone(), sha256_of(&staging.join(&name))?);
        }
    }
    let text = std::fs::read(staging.join(MANIFEST))
        .context("the archive has no manifest.json: it is not a Roost backup")?;
    let manifest: Manifest =
        serde_json::from_slice(&text).context("the archive's manifest.json is unreadable")?;
    if manifest.format != FORMAT {
        bail!(
            "the archive's format is {}, this Roost reads format {FORMAT}",
            manifest.format
        );
    }
    for (name, expected) in &manifest.checksums {
        match found.get(name) {
            None => bail!("the archive lacks `{name}`, which its manifest lists"),
            Some(actual) if actual != expected => {
                bail!("checksum mismatch for `{name}`: the archive is damaged")
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found
        .keys()
        .find(|name| !manifest.checksums.contains_key(*name))
    {
        bail!("the archive holds `{extra}`, which its manifest does not list");
    }
    if !found.contains_key(DATABASE_DUMP) {
        bail!("the archive holds no database dump");
    }
    Ok(manifest)
}

/// Restores `archive` into the database and `data_dir`, both of which must be empty unless
/// `force` (which drops everything in the database's `public` schema and the uploads).
pub async fn restore(
    database_url: &str,
    data_dir: &Path,
    archive: &Path,
    force: bool,
) -> anyhow::Result<Manifest> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let uploads = data_dir.join(UPLOADS);
    let staging = Scratch::beside(&uploads, "restore");
    let (archive_path, staging_path) = (archive.to_path_buf(), staging.0.clone());
    let manifest =
        tokio::task::spawn_blocking(move || unpack_and_verify(&archive_path, &staging_path))
            .await??;
    let known = db::latest_known_migration()?;
    if manifest.migration_level > known {
        bail!(
            "the archive's schema (migration {}) is newer than this Roost's (migration {known}): \
             restore it with the Roost version that made it ({})",
            manifest.migration_level,
            manifest.roost_version
        );
    }
    let tables = table_count(database_url).await?;
    let has_uploads = !files_under(&uploads)?.is_empty();
    if (tables > 0 || has_uploads) && !force {
        let mut what = Vec::new();
        if tables > 0 {
            what.push(format!("the database holds {tables} table(s)"));
        }
        if has_uploads {
            what.push(format!("{} holds files", uploads.display()));
        }
        bail!(
            "the target is not empty ({}): restore into an empty database and data directory, \
             or pass --force to replace what is there",
            what.join("; ")
        );
    }
    if tables > 0 {
        let mut conn = db::connect(database_url).await?;
        conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            .await
            .context("emptying the database (--force)")?;
    }
    let dump = staging.0.join(DATABASE_DUMP).to_string_lossy().into_owned();
    run_client_tool(
        "pg_restore",
        database_url,
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &dump,
        ],
    )
    .await?;
    if uploads.exists() {
        std::fs::remove_dir_all(&uploads)
            .with_context(|| format!("removing {}", uploads.display()))?;
    }
    let restored_uploads = staging.0.join(UPLOADS);
    if restored_uploads.exists() {
        std::fs::rename(&restored_uploads, &uploads)
            .with_context(|| format!("moving the uploads to {}", uploads.display()))?;
    } else {
        std::fs::create_dir_all(&uploads)?;
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) =
            libpq_target("postgres://roost:p%40ss@db.example.com:5432/roost?sslmode=require")
                .expect("a valid URL");
        assert_eq!(
            url,
            "postgres://roost@db.example.com:5432/roost?sslmode=require"
        );
        assert_eq!(password.as_deref(), Some("p@ss"));
        let (_, none) = libpq_target("postgres://localhost/roost").expect("a valid URL");
        assert_eq!(none, None);
    }
}
