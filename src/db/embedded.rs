//! The embedded PostgreSQL cluster: with no `DATABASE_URL`, Roost runs a private cluster under
//! its data directory from the server binaries installed on the machine (DESIGN.md §2).
//!
//! PostgreSQL refuses to run as root, so when Roost is root the cluster's files belong to the
//! `postgres` user and every server command runs as that user. The server listens on 127.0.0.1
//! only (no Unix socket, whose path length limit a deep data directory would exceed) and asks
//! for a password that is generated at `initdb` time and kept beside the cluster, readable by
//! Roost's user alone.
//!
//! The Roost process that runs the cluster is its owner, recorded in `root/postgres-owner`
//! (process id and start time), and stops it when it exits. A Roost that finds the cluster
//! running checks that record: while the owner lives (a `roost serve` beside a `roost seed`),
//! it only attaches; when the owner is gone (killed with SIGKILL, say), it adopts the cluster
//! and stops it on exit, so a crash never leaves a server running for good.

use std::{
    net::TcpListener,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Stdio,
};

use rand::{Rng, distr::Alphanumeric};
use tokio::process::Command;

/// Database user that owns Roost's databases inside the embedded cluster.
pub const SUPERUSER: &str = "roost";

/// Why the embedded cluster could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server binaries found (looked in ROOST_POSTGRES_BIN, on PATH, in \
         `pg_config --bindir` and in /usr/lib/postgresql/*/bin). Install them (Debian: `apt-get install postgresql`) or set \
         DATABASE_URL to a PostgreSQL server you run yourself."
    )]
    NoBinaries,
    #[error(
        "Roost runs as root, so PostgreSQL must run as the `postgres` user, and no such user \
         exists. Create it, run Roost as an ordinary user, or set DATABASE_URL."
    )]
    NoPostgresUser,
    #[error(
        "the `postgres` user cannot reach {0}: a parent directory is private (a checkout under \
         /root, say). Set ROOST_DATA_DIR to a directory it can reach (e.g. /var/lib/roost), or \
         set DATABASE_URL."
    )]
    Unreachable(PathBuf),
    #[error("{step} failed: {detail}")]
    Command { step: String, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Tuning for a cluster; tests trade durability for speed.
#[derive(Clone, Debug, Default)]
pub struct ClusterOptions {
    /// `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`: for throwaway test clusters.
    pub unsafe_fast: bool,
    /// Port to listen on; `None` picks a free one.
    pub port: Option<u16>,
    /// Load `pg_stat_statements` (when the server has it), so that tests can count the
    /// statements a request sends and operators can see the costly ones.
    pub track_statements: bool,
}

/// A running (or reused) PostgreSQL cluster.
#[derive(Debug)]
pub struct EmbeddedCluster {
    pgdata: PathBuf,
    bin_dir: PathBuf,
    port: u16,
    password: String,
    run_as: Option<(u32, u32)>,
    /// Whether this process owns the server (started or adopted it) and so should stop it.
    started_here: bool,
    /// Where the owner is recorded.
    owner_file: PathBuf,
}

impl EmbeddedCluster {
    /// Starts the cluster kept in `root/postgres`, creating it on first use, or attaches to it
    /// when another process already runs it.
    pub async fn start(root: &Path, options: ClusterOptions) -> Result<Self, EmbeddedError> {
        let bin_dir = find_server_binaries().ok_or(EmbeddedError::NoBinaries)?;
        let run_as = postgres_identity()?;
        std::fs::create_dir_all(root)?;
        let root = std::fs::canonicalize(root)?;
        let pgdata = root.join("postgres");
        let password_file = root.join("postgres-password");
        if run_as.is_some() {
            // The postgres user needs to traverse the data directory, not to list it.
            let mut permissions = std::fs::metadata(&root)?.permissions();
            permissions.set_mode(permissions.mode() | 0o711);
            std::fs::set_permissions(&root, permissions)?;
        }

        let fresh = !pgdata.join("PG_VERSION").exists();
        let password = if fresh {
            let password: String = rand::rng()
                .sample_iter(&Alphanumeric)
                .take(32)
                .map(char::from)
                .collect();
            write_private_file(&password_file, &password)?;
            init_cluster(&bin_dir, &pgdata, &password, run_as).await?;
            tune_cluster(&bin_dir, &pgdata, &options, run_as)?;
            password
        } else {
            std::fs::read_to_string(&password_file)
                .map_err(|error| EmbeddedError::Command {
                    step: format!("reading {}", password_file.display()),
                    detail: error.to_string(),
                })?
                .trim()
                .to_string()
        };

        let mut cluster = EmbeddedCluster {
            pgdata,
            bin_dir,
            port: 0,
            password,
            run_as,
            started_here: false,
            owner_file: root.join("postgres-owner"),
        };
        if let Some(port) = cluster.running_port().await {
            cluster.port = port;
            let owner = std::fs::read_to_string(&cluster.owner_file).ok();
            if owner
                .as_deref()
                .and_then(Owner::parse)
                .is_some_and(|o| o.is_alive())
            {
                tracing::info!(port, data = %cluster.pgdata.display(), "using the embedded PostgreSQL of the Roost that runs it");
                return Ok(cluster);
            }
            // Its Roost ended without stopping it: this process takes over, and stops it.
            cluster.take_ownership()?;
            tracing::info!(port, data = %cluster.pgdata.display(), "adopted the embedded PostgreSQL left running by a Roost that has ended; it stops with this one");
            return Ok(cluster);
        }
        cluster.port = match options.port {
            Some(port) => port,
            None => free_port()?,
        };
        cluster.start_server().await?;
        cluster.take_ownership()?;
        tracing::info!(
            port = cluster.port,
            data = %cluster.pgdata.display(),
            fresh,
            "embedded PostgreSQL started"
        );
        Ok(cluster)
    }

    /// Connection URL for `database` in this cluster.
    pub fn database_url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn data_directory(&self) -> &Path {
        &self.pgdata
    }

    /// Whether this process owns the server (started it, or adopted it from a Roost that
    /// ended), rather than attaching to the server of a Roost that still runs.
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Starts the server again on the same port (after [`EmbeddedCluster::stop`]).
    pub async fn restart(&mut self) -> Result<(), EmbeddedError> {
        self.start_server().await?;
        self.take_ownership()?;
        Ok(())
    }

    /// Records this process as the server's owner.
    fn take_ownership(&mut self) -> Result<(), EmbeddedError> {
        let me = Owner::current().ok_or_else(|| EmbeddedError::Command {
            step: "reading this process's start time".into(),
            detail: "/proc/self/stat is unreadable".into(),
        })?;
        write_private_file(&self.owner_file, &me.to_string())?;
        self.started_here = true;
        Ok(())
    }

    /// Stops the server with a fast shutdown (open transactions roll back).
    pub async fn stop(&self) -> Result<(), EmbeddedError> {
        run(
            self.pg_ctl()
                .arg("stop")
                .arg("-D")
                .arg(&self.pgdata)
                .args(["-m", "fast", "-w", "-t", "60"]),
            "pg_ctl stop",
        )
        .await?;
        let _ = std::fs::remove_file(&self.owner_file);
        tracing::info!(data = %self.pgdata.display(), "embedded PostgreSQL stopped");
        Ok(())
    }

    /// Stops the server only if this process started it.
    pub async fn shutdown(&self) {
        if self.started_here
            && let Err(error) = self.stop().await
        {
            tracing::error!(%error, "could not stop the embedded PostgreSQL");
        }
    }

    /// Stops the server at once, blocking the calling thread: for exit handlers, where no async
    /// runtime is left.
    pub fn stop_immediately(&self) {
        force_stop(&self.pgdata);
    }

    async fn start_server(&self) -> Result<(), EmbeddedError> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''",
            self.port
        );
        run(
            self.pg_ctl()
                .arg("start")
                .arg("-D")
                .arg(&self.pgdata)
                .arg("-l")
                .arg(self.pgdata.join("server.log"))
                .args(["-w", "-t", "60", "-o", &options]),
            "pg_ctl start",
        )
        .await
    }

    /// The port of the server running on this data directory, if one is.
    async fn running_port(&self) -> Option<u16> {
        let status = self
            .pg_ctl()
            .arg("status")
            .arg("-D")
            .arg(&self.pgdata)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .ok()?;
        if !status.success() {
            return None;
        }
        // postmaster.pid: line 4 holds the port (PostgreSQL's documented layout).
        let pid_file = std::fs::read_to_string(self.pgdata.join("postmaster.pid")).ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn pg_ctl(&self) -> Command {
        command_as(&self.bin_dir.join("pg_ctl"), self.run_as)
    }
}

/// A process, told apart from a later one that reuses its id by its start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Owner {
    pid: i32,
    /// Clock ticks after boot (`/proc/PID/stat`, field 22).
    started: u64,
}

impl Owner {
    fn current() -> Option<Owner> {
        let pid = std::process::id() as i32;
        Some(Owner {
            pid,
            started: start_time(pid)?,
        })
    }

    fn parse(text: &str) -> Option<Owner> {
        let mut words = text.split_whitespace();
        let pid = words.next()?.parse().ok()?;
        let started = words.next()?.parse().ok()?;
        Some(Owner { pid, started })
    }

    fn is_alive(&self) -> bool {
        start_time(self.pid) == Some(self.started)
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} {}", self.pid, self.started)
    }
}

/// When process `pid` started, if it runs (and is not a zombie).
fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

async fn init_cluster(
    bin_dir: &Path,
    pgdata: &Path,
    password: &str,
    run_as: Option<(u32, u32)>,
) -> Result<(), EmbeddedError> {
    std::fs::create_dir_all(pgdata)?;
    // initdb reads the password from a file; give it one only the server user can read.
    let password_input = pgdata.parent().unwrap_or(pgdata).join(".initdb-password");
    write_private_file(&password_input, password)?;
    if let Some((uid, gid)) = run_as {
        chown(pgdata, uid, gid)?;
        chown(&password_input, uid, gid)?;
        // Fail early and clearly when the server user cannot reach the directory.
        let reachable = command_as(Path::new("test"), run_as)
            .arg("-w")
            .arg(pgdata)
            .status()
            .await?;
        if !reachable.success() {
            let _ = std::fs::remove_file(&password_input);
            let _ = std::fs::remove_dir(pgdata);
            return Err(EmbeddedError::Unreachable(
                pgdata.parent().unwrap_or(pgdata).to_path_buf(),
            ));
        }
    }
    let result = run(
        command_as(&bin_dir.join("initdb"), run_as)
            .arg("-D")
            .arg(pgdata)
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8"])
            .args(["--auth-local=scram-sha-256", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", password_input.display())),
        "initdb",
    )
    .await;
    let _ = std::fs::remove_file(&password_input);
    result
}

/// Appends Roost's settings to the new cluster's configuration.
fn tune_cluster(
    bin_dir: &Path,
    pgdata: &Path,
    options: &ClusterOptions,
    run_as: Option<(u32, u32)>,
) -> Result<(), EmbeddedError> {
    let mut settings = String::from(
        "\n# Added by Roost\nmax_connections = 200\nshared_buffers = 128MB\n\
         log_min_duration_statement = 1000\n",
    );
    if options.unsafe_fast {
        settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    }
    // The library ships with Debian's server package but not with every build: without it,
    // preloading would keep the server from starting, so it is only asked for when present.
    // `bin_dir` may hold symbolic links (Debian's /usr/local/bin ones): the libraries are
    // beside the real binaries.
    let library = std::fs::canonicalize(bin_dir.join("pg_ctl"))
        .ok()
        .and_then(|pg_ctl| Some(pg_ctl.parent()?.parent()?.join("lib/pg_stat_statements.so")));
    if options.track_statements && library.is_some_and(|library| library.exists()) {
        settings.push_str(
            "shared_preload_libraries = 'pg_stat_statements'\n\
             pg_stat_statements.max = 20000\npg_stat_statements.track_utility = on\n",
        );
    }
    let conf = pgdata.join("postgresql.auto.conf");
    let mut contents = std::fs::read_to_string(&conf).unwrap_or_default();
    contents.push_str(&settings);
    std::fs::write(&conf, contents)?;
    if let Some((uid, gid)) = run_as {
        chown(&conf, uid, gid)?;
    }
    Ok(())
}

/// Runs a command, turning a failure into an error carrying its output.
async fn run(command: &mut Command, step: &str) -> Result<(), EmbeddedError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|error| EmbeddedError::Command {
            step: step.to_string(),
            detail: error.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let mut detail = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if detail.is_empty() {
        detail = String::from_utf8_lossy(&output.stdout).trim().to_string();
    }
    Err(EmbeddedError::Command {
        step: step.to_string(),
        detail,
    })
}

fn command_as(program: &Path, run_as: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    command.kill_on_drop(false);
    if let Some((uid, gid)) = run_as {
        command.uid(uid).gid(gid);
        // The server user cannot enter root's working directory.
        command.current_dir("/");
    }
    command
}

/// `Some((uid, gid))` of `postgres` when running as root, `None` otherwise.
fn postgres_identity() -> Result<Option<(u32, u32)>, EmbeddedError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    match nix::unistd::User::from_name("postgres") {
        Ok(Some(user)) => Ok(Some((user.uid.as_raw(), user.gid.as_raw()))),
        _ => Err(EmbeddedError::NoPostgresUser),
    }
}

fn chown(path: &Path, uid: u32, gid: u32) -> Result<(), EmbeddedError> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
    Ok(())
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::{fs::OpenOptions, io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Stops whatever server runs on `pgdata` with an immediate shutdown, blocking (best effort).
pub fn force_stop(pgdata: &Path) {
    let (Some(bin_dir), Ok(run_as)) = (find_server_binaries(), postgres_identity()) else {
        return;
    };
    let mut command = std::process::Command::new(bin_dir.join("pg_ctl"));
    command
        .arg("stop")
        .arg("-D")
        .arg(pgdata)
        .args(["-m", "immediate", "-w", "-t", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some((uid, gid)) = run_as {
        use std::os::unix::process::CommandExt;
        command.uid(uid).gid(gid).current_dir("/");
    }
    let _ = command.status();
}

/// Finds the directory holding `initdb`, `pg_ctl` and `postgres`: `ROOST_POSTGRES_BIN` when set,
/// else `PATH`, `pg_config --bindir` and Debian's `/usr/lib/postgresql/*/bin`.
pub fn find_server_binaries() -> Option<PathBuf> {
    find_binaries(&["pg_ctl", "initdb"])
}

/// The directory of `pg_dump` and `pg_restore` (`roost backup` / `restore`), looked for where
/// the server binaries are.
pub fn find_client_tools() -> Option<PathBuf> {
    find_binaries(&["pg_dump", "pg_restore"])
}

/// The first directory that holds every program of `names`: `ROOST_POSTGRES_BIN`, `PATH`,
/// `pg_config --bindir`, then the newest of Debian's /usr/lib/postgresql/*/bin.
fn find_binaries(names: &[&str]) -> Option<PathBuf> {
    let has_all = |dir: &Path| names.iter().all(|name| dir.join(name).is_file());
    if let Some(dir) = std::env::var_os("ROOST_POSTGRES_BIN") {
        let dir = PathBuf::from(dir);
        return has_all(&dir).then_some(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_all(&dir) {
                return Some(dir);
            }
        }
    }
    if let Ok(output) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if has_all(&dir) {
            return Some(dir);
        }
    }
    // Debian installs each major version side by side; prefer the newest.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_all(dir))
        .collect();
    versions.sort_by_key(|(version, _)| *version);
    versions.pop().map(|(_, dir)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_an_ended_one_is_not() {
        let me = Owner::current().expect("this process's start time");
        assert!(me.is_alive());
        assert_eq!(Owner::parse(&me.to_string()), Some(me));
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = child.id() as i32;
        child.wait().expect("wait");
        let ended = Owner { pid, started: 1 };
        assert!(!ended.is_alive());
        // Same id, another start time: a later process that reused the id.
        let reused = Owner {
            started: me.started + 1,
            ..me
        };
        assert!(!reused.is_alive());
    }
}
