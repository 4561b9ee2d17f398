//! A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary
//! directory, then the server started as this process's child, listening
//! only on a unix socket in that directory. As root (CI containers) both
//! run as the unprivileged `nobody`, since PostgreSQL refuses root.
//!
//! The server is started from a keeper thread that lives as long as the
//! test process, with the parent-death signal set, so a test binary that
//! ends or crashes takes its server with it (`pg_ctl start` would leave it
//! running). Without PostgreSQL the tests skip with a message; with
//! `DOCKET_REQUIRE_POSTGRES=1` (CI) they fail instead.

#![allow(dead_code)]

use std::path::Path;
use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

/// Whether PostgreSQL tests must run (CI).
pub fn required() -> bool {
    std::env::var("DOCKET_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A running cluster.
pub struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    socket: PathBuf,
    bin: PathBuf,
    port: u16,
    child: Mutex<Option<Child>>,
}

/// The directory of PostgreSQL's programs (initdb on PATH, or Debian's).
fn bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            let p = d.join("initdb");
            if p.is_file() {
                let real = std::fs::canonicalize(&p).unwrap_or(p);
                let dir = real.parent()?.to_path_buf();
                if dir.join("postgres").is_file() {
                    return Some(dir);
                }
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("postgres").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// The uid and gid to run PostgreSQL as: `nobody` when we are root.
fn run_as() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let name = std::ffi::CString::new("nobody").ok()?;
    // SAFETY: a valid C string; the result is read at once, before any
    // other call that could overwrite the static buffer.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Some((65534, 65534));
    }
    // SAFETY: non-null, just returned.
    unsafe { Some(((*pw).pw_uid, (*pw).pw_gid)) }
}

/// Commands run on the keeper thread, so children outlive test threads
/// but not the process.
type Job = Box<dyn FnOnce() + Send>;

fn keeper() -> &'static Mutex<mpsc::Sender<Job>> {
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::spawn(move || {
            for job in rx {
                job();
            }
            // Never reached while the process lives (the sender is static).
        });
        Mutex::new(tx)
    })
}

fn spawn_kept(mut cmd: Command) -> std::io::Result<Child> {
    let (tx, rx) = mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(cmd.spawn());
    });
    keeper()
        .lock()
        .unwrap()
        .send(job)
        .map_err(|_| std::io::Error::other("the keeper thread is gone"))?;
    rx.recv()
        .map_err(|_| std::io::Error::other("the keeper thread is gone"))?
}

fn unprivileged(cmd: &mut Command, die_with_parent: bool) {
    use std::os::unix::process::CommandExt;
    let ids = run_as();
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if die_with_parent {
                // SIGQUIT: the postmaster's immediate shutdown.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT);
            }
            if let Some((uid, gid)) = ids
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// `fsync` for the cluster: off unless DOCKET_PG_FSYNC=on (for figures
/// that include the disk's flushes).
fn fsync() -> &'static str {
    if std::env::var("DOCKET_PG_FSYNC").is_ok_and(|v| v == "on") {
        "on"
    } else {
        "off"
    }
}

static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

impl Cluster {
    /// Starts a cluster, or says why not (then skips, or fails in CI).
    pub fn start() -> Option<Cluster> {
        match Cluster::try_start() {
            Ok(c) => Some(c),
            Err(why) => {
                assert!(
                    !required(),
                    "DOCKET_REQUIRE_POSTGRES=1 but no PostgreSQL server could be started: {why}"
                );
                eprintln!(
                    "skipping the PostgreSQL tests: {why} (install Debian's `postgresql` package; set DOCKET_REQUIRE_POSTGRES=1 to make this a failure)"
                );
                None
            }
        }
    }

    fn try_start() -> Result<Cluster, String> {
        let bin = bin_dir().ok_or("initdb and postgres are not installed")?;
        let dir = tempfile::Builder::new()
            .prefix("docket-pg-")
            .tempdir()
            .map_err(|e| format!("no temporary directory: {e}"))?;
        if let Some((uid, gid)) = run_as() {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .map_err(|e| format!("cannot give the cluster directory to nobody: {e}"))?;
        }
        let data = dir.path().join("data");
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                "docket",
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
                "-N",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        unprivileged(&mut initdb, false);
        let out = initdb
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let cluster = Cluster {
            socket: dir.path().to_path_buf(),
            data,
            bin,
            port: 5432,
            child: Mutex::new(None),
            _dir: dir,
        };
        cluster.run()?;
        Ok(cluster)
    }

    /// Starts the server (again) and waits until it accepts connections.
    fn run(&self) -> Result<(), String> {
        let mut cmd = Command::new(self.bin.join("postgres"));
        cmd.arg("-D")
            .arg(&self.data)
            .arg("-k")
            .arg(&self.socket)
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses="])
            // fsync off: the machine does not crash in a test, the server
            // may (SIGQUIT); synchronous_commit stays on so a committed
            // answer survives that.
            .args(["-c", &format!("fsync={}", fsync())])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=60"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        unprivileged(&mut cmd, true);
        let child = spawn_kept(cmd).map_err(|e| format!("cannot start postgres: {e}"))?;
        *self.child.lock().unwrap() = Some(child);
        // Readiness, polled: not a timing assertion.
        for _ in 0..600 {
            let ok = Command::new(self.bin.join("pg_isready"))
                .arg("-h")
                .arg(&self.socket)
                .args(["-p", &self.port.to_string(), "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Ok(());
            }
            if let Some(c) = self.child.lock().unwrap().as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                return Err(format!("postgres exited at start ({status})"));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err("postgres did not accept connections within 30 s".into())
    }

    /// Stops the server at once (SIGQUIT: immediate shutdown, like a crash).
    pub fn stop(&self) {
        if let Some(mut c) = self.child.lock().unwrap().take() {
            // SAFETY: signalling our own child.
            unsafe {
                libc::kill(c.id() as libc::pid_t, libc::SIGQUIT);
            }
            let _ = c.wait();
        }
        // Its backends may linger a moment after the postmaster: wait for
        // the pid file to go so the next start does not refuse.
        for _ in 0..200 {
            if !self.data.join("postmaster.pid").exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
    }

    /// Starts the server again after [`Cluster::stop`].
    pub fn restart(&self) {
        self.run().expect("postgres starts again");
    }

    /// Makes a fresh database; its connection string.
    pub fn database(&self, tag: &str) -> String {
        let n = NEXT_DB.fetch_add(1, Ordering::SeqCst);
        let name = format!("t{n}_{tag}");
        let st = Command::new(self.bin.join("createdb"))
            .arg("-h")
            .arg(&self.socket)
            .args(["-p", &self.port.to_string(), "-U", "docket", &name])
            .status()
            .expect("createdb runs");
        assert!(st.success(), "createdb {name}");
        self.url(&name)
    }

    /// The connection string of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!(
            "host={} port={} user=docket dbname={name}",
            self.socket.display(),
            self.port
        )
    }

    /// Runs SQL through psql (for checks a test makes behind the store's back).
    pub fn psql(&self, url_db: &str, sql: &str) -> String {
        let db = url_db
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix("dbname="))
            .unwrap_or("postgres");
        let out = Command::new(self.bin.join("psql"))
            .arg("-h")
            .arg(&self.socket)
            .args(["-p", &self.port.to_string(), "-U", "docket", "-d", db])
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The cluster shared by a test binary's tests (each takes its own
/// database), or `None` to skip.
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let c = Cluster::start()?;
            // A static is never dropped: stop the server and remove its
            // directory when the test process exits.
            let pid = c.child.lock().unwrap().as_ref().map(Child::id);
            let _ = CLEANUP.set((c._dir.path().to_path_buf(), pid));
            // SAFETY: registers a plain function.
            unsafe {
                libc::atexit(clean_shared);
            }
            Some(c)
        })
        .as_ref()
}

static CLEANUP: OnceLock<(PathBuf, Option<u32>)> = OnceLock::new();

extern "C" fn clean_shared() {
    if let Some((dir, pid)) = CLEANUP.get() {
        if let Some(pid) = pid {
            // SAFETY: signalling the server this process started.
            unsafe {
                libc::kill(*pid as libc::pid_t, libc::SIGQUIT);
            }
        }
        for _ in 0..200 {
            if !dir.join("data").join("postmaster.pid").exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Whether `p` exists (for messages).
pub fn exists(p: &Path) -> bool {
    p.exists()
}
