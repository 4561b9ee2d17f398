//! One class of a school kept in PostgreSQL: tokio-postgres through a
//! deadpool connection pool, on a small tokio runtime of the store's own
//! (the [`ClassStore`] trait is synchronous, and the caller may be a web
//! server's async task: the work is handed to this runtime and waited for
//! over a channel, so no runtime is ever entered twice).
//!
//! A database that goes away (restarted, failed over, a dropped
//! connection) is waited for: every call is one idempotent transaction,
//! retried with a growing pause for up to [`PgOptions::reconnect`], so a
//! student's answer is either committed or reported as not saved, never
//! half written. A full pool waits [`PgOptions::wait`] for a connection,
//! then says so.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use deadpool_postgres::Manager;
use deadpool_postgres::ManagerConfig;
use deadpool_postgres::Object;
use deadpool_postgres::Pool;
use deadpool_postgres::PoolError;
use deadpool_postgres::RecyclingMethod;
use tokio_postgres::NoTls;

use super::ClassResult;
use super::ClassStore;
use super::ClassStoreError;
use super::ItemRef;
use super::Mark;
use super::StoredStudent;
use super::migrations;
use crate::quiz::result_file::ResultFile;

/// Pool size and how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgOptions {
    /// Connections in the pool.
    pub pool_size: usize,
    /// How long a call waits for a free connection before failing.
    pub wait: Duration,
    /// How long a call keeps retrying while the database is unreachable.
    pub reconnect: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            pool_size: 16,
            wait: Duration::from_secs(10),
            reconnect: Duration::from_secs(30),
        }
    }
}

/// A connection pool with its own runtime.
#[derive(Clone)]
pub struct Db {
    inner: Arc<DbInner>,
}

struct DbInner {
    rt: Option<tokio::runtime::Runtime>,
    pool: Pool,
    options: PgOptions,
    /// Where, for messages: host and database, never the password.
    place: String,
}

impl Drop for DbInner {
    fn drop(&mut self) {
        // Dropping a runtime inside another's async task would panic.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Why one attempt failed.
pub(crate) enum Fault {
    Pool(PoolError),
    Db(tokio_postgres::Error),
    Other(String),
}

impl Fault {
    /// Whether waiting may cure it: the server is unreachable or went away.
    fn transient(&self) -> bool {
        match self {
            Fault::Pool(PoolError::Backend(e)) => transient_db(e),
            Fault::Pool(PoolError::Timeout(deadpool_postgres::TimeoutType::Create))
            | Fault::Pool(PoolError::Timeout(deadpool_postgres::TimeoutType::Recycle)) => true,
            Fault::Pool(_) => false,
            Fault::Db(e) => transient_db(e),
            Fault::Other(_) => false,
        }
    }
}

fn transient_db(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        // Not an error the server reported: I/O, a broken connection.
        None => e.as_db_error().is_none(),
        Some(code) => {
            let c = code.code();
            // connection exception; admin/crash shutdown; cannot connect now
            c.starts_with("08") || c == "57P01" || c == "57P02" || c == "57P03"
        }
    }
}

impl From<tokio_postgres::Error> for Fault {
    fn from(e: tokio_postgres::Error) -> Self {
        Fault::Db(e)
    }
}

/// Shorthand for an attempt's result.
pub(crate) type Attempt<T> = Result<T, Fault>;

impl Db {
    /// Connects (lazily: the pool opens connections as calls need them) and
    /// brings the schema up to date.
    pub fn connect(url: &str, options: &PgOptions) -> ClassResult<Db> {
        let db = Db::connect_unmigrated(url, options)?;
        db.migrate_to(migrations::latest())?;
        Ok(db)
    }

    /// Connects without touching the schema (for tests of migrations).
    pub fn connect_unmigrated(url: &str, options: &PgOptions) -> ClassResult<Db> {
        let config = tokio_postgres::Config::from_str(url).map_err(|e| {
            ClassStoreError::Failed(format!("the database address is not valid: {e}"))
        })?;
        let place = describe(&config);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("docket-pg")
            .enable_all()
            .build()
            .map_err(|e| {
                ClassStoreError::Failed(format!("cannot start the database runtime: {e}"))
            })?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = {
            // The pool's timers need the runtime it will run on.
            let _guard = rt.enter();
            Pool::builder(manager)
                .max_size(options.pool_size.max(1))
                .wait_timeout(Some(options.wait))
                .create_timeout(Some(Duration::from_secs(5)))
                .recycle_timeout(Some(Duration::from_secs(5)))
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .build()
                .map_err(|e| ClassStoreError::Failed(format!("cannot make the pool: {e}")))?
        };
        Ok(Db {
            inner: Arc::new(DbInner {
                rt: Some(rt),
                pool,
                options: *options,
                place,
            }),
        })
    }

    /// Where the database is, for messages.
    pub fn place(&self) -> &str {
        &self.inner.place
    }

    /// Runs `fut` on the store's runtime and waits for it.
    pub(crate) fn block<T: Send + 'static>(
        &self,
        fut: impl Future<Output = ClassResult<T>> + Send + 'static,
    ) -> ClassResult<T> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let Some(rt) = &self.inner.rt else {
            return Err(ClassStoreError::Failed(
                "the database runtime stopped".into(),
            ));
        };
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(ClassStoreError::Failed("the database task stopped".into())))
    }

    /// Runs `op` on a pooled connection, retrying while the database is
    /// unreachable. `op` must be idempotent (one transaction, upserts).
    pub(crate) fn run<T, F, Fut>(&self, op: F) -> ClassResult<T>
    where
        T: Send + 'static,
        F: Fn(Object) -> Fut + Send + 'static,
        Fut: Future<Output = Attempt<T>> + Send,
    {
        let pool = self.inner.pool.clone();
        let options = self.inner.options;
        let place = self.inner.place.clone();
        self.block(async move {
            let start = Instant::now();
            let mut pause = Duration::from_millis(20);
            loop {
                let outcome = match pool.get().await {
                    Ok(client) => op(client).await,
                    Err(e) => Err(Fault::Pool(e)),
                };
                let fault = match outcome {
                    Ok(v) => return Ok(v),
                    Err(f) => f,
                };
                if fault.transient() && start.elapsed() < options.reconnect {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(500));
                    continue;
                }
                return Err(explain(fault, &place, &options, start.elapsed()));
            }
        })
    }

    /// The schema version the database is at (0: none yet).
    pub fn version(&self) -> ClassResult<i32> {
        self.run(|c| async move {
            c.batch_execute(
                "CREATE TABLE IF NOT EXISTS docket_migrations (
                     version INTEGER PRIMARY KEY,
                     name TEXT NOT NULL,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            )
            .await?;
            let row = c
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM docket_migrations",
                    &[],
                )
                .await?;
            Ok(row.get::<_, i32>(0))
        })
    }

    /// Brings the schema up to `target` (never down), one transaction per
    /// migration.
    pub fn migrate_to(&self, target: i32) -> ClassResult<i32> {
        let found = self.version()?;
        if found > migrations::latest() {
            return Err(ClassStoreError::TooNew {
                found,
                known: migrations::latest(),
            });
        }
        for m in migrations::MIGRATIONS
            .iter()
            .filter(|m| m.version > found && m.version <= target)
        {
            let (version, name, sql) = (m.version, m.name, m.sql);
            self.run(move |mut c| async move {
                let tx = c.transaction().await?;
                // Another server may be migrating: wait for it, then see
                // whether this step is still to do.
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&migrations::LOCK_KEY])
                    .await?;
                let done: i64 = tx
                    .query_one(
                        "SELECT count(*) FROM docket_migrations WHERE version = $1",
                        &[&version],
                    )
                    .await?
                    .get(0);
                if done == 0 {
                    tx.batch_execute(sql).await?;
                    tx.execute(
                        "INSERT INTO docket_migrations (version, name) VALUES ($1, $2)",
                        &[&version, &name],
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            })
            .map_err(|e| ClassStoreError::Failed(format!("migration {version} ({name}): {e}")))?;
        }
        self.version()
    }

    /// Test hook: runs migration `version`'s statements in a transaction
    /// and drops the connection before committing, as a server killed half
    /// way through a migration would.
    #[doc(hidden)]
    pub fn interrupt_migration(&self, version: i32) -> ClassResult<()> {
        let m = migrations::MIGRATIONS
            .iter()
            .find(|m| m.version == version)
            .ok_or_else(|| ClassStoreError::Failed(format!("no migration {version}")))?;
        let sql = m.sql;
        self.run(move |mut c| async move {
            let tx = c.transaction().await?;
            tx.batch_execute(sql).await?;
            // Neither commit nor roll back: the connection is taken out of
            // the pool and closed with the transaction open.
            std::mem::forget(tx);
            let _ = Object::take(c);
            Ok(())
        })
    }

    /// Test hook: takes `n` connections out of the pool and holds them
    /// until the returned guard is dropped.
    #[doc(hidden)]
    pub fn occupy(&self, n: usize) -> ClassResult<Occupied> {
        let pool = self.inner.pool.clone();
        let held = self.block(async move {
            let mut held = Vec::new();
            for _ in 0..n {
                held.push(
                    pool.get()
                        .await
                        .map_err(|e| ClassStoreError::Unavailable(e.to_string()))?,
                );
            }
            Ok(held)
        })?;
        Ok(Occupied {
            _held: held,
            _db: self.clone(),
        })
    }
}

/// Connections held out of the pool (see [`Db::occupy`]).
pub struct Occupied {
    _held: Vec<Object>,
    _db: Db,
}

/// Host (or socket directory) and database of a connection string.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(h) => h.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let db = config.get_dbname().unwrap_or("(default database)");
    crate::sanitize::clean(&format!("PostgreSQL {db} on {host}"))
}

fn explain(fault: Fault, place: &str, options: &PgOptions, waited: Duration) -> ClassStoreError {
    match fault {
        Fault::Pool(PoolError::Timeout(deadpool_postgres::TimeoutType::Wait)) => {
            ClassStoreError::Unavailable(format!(
                "{place}: every one of the {} pooled connections stayed busy for {} s (raise the pool size, or the database's max_connections)",
                options.pool_size,
                options.wait.as_secs_f32()
            ))
        }
        f if f.transient() => ClassStoreError::Unavailable(format!(
            "{place}: not reachable for {:.0} s: {}",
            waited.as_secs_f32(),
            fault_text(&f)
        )),
        f => ClassStoreError::Failed(format!("{place}: {}", fault_text(&f))),
    }
}

fn fault_text(f: &Fault) -> String {
    let text = match f {
        Fault::Pool(e) => e.to_string(),
        Fault::Db(e) => match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        },
        Fault::Other(e) => e.clone(),
    };
    crate::sanitize::clean(&text)
}

/// One class of a school in PostgreSQL.
pub struct PgClassStore {
    db: Db,
    class_id: i64,
    name: String,
}

impl PgClassStore {
    /// Opens the class `class` of `teacher` in `term`, making the teacher,
    /// term and class rows as needed.
    pub fn open(
        url: &str,
        teacher: &str,
        term: &str,
        class: &str,
        options: &PgOptions,
    ) -> ClassResult<PgClassStore> {
        let db = Db::connect(url, options)?;
        PgClassStore::in_db(&db, teacher, term, class)
    }

    /// Opens (making as needed) a class in a connected database.
    pub fn in_db(db: &Db, teacher: &str, term: &str, class: &str) -> ClassResult<PgClassStore> {
        let (t, r, c) = (teacher.to_owned(), term.to_owned(), class.to_owned());
        let class_id = db.run(move |mut client| {
            let (t, r, c) = (t.clone(), r.clone(), c.clone());
            async move {
                let tx = client.transaction().await?;
                let upsert = |table: &'static str| {
                    format!(
                        "INSERT INTO {table} (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id"
                    )
                };
                let teacher_id: i64 = tx.query_one(&upsert("teachers"), &[&t]).await?.get(0);
                let term_id: i64 = tx.query_one(&upsert("terms"), &[&r]).await?.get(0);
                let id: i64 = tx
                    .query_one(
                        "INSERT INTO classes (teacher_id, term_id, name) VALUES ($1, $2, $3)
                         ON CONFLICT (teacher_id, term_id, name) DO UPDATE SET name = EXCLUDED.name
                         RETURNING id",
                        &[&teacher_id, &term_id, &c],
                    )
                    .await?
                    .get(0);
                tx.commit().await?;
                Ok(id)
            }
        })?;
        Ok(PgClassStore {
            db: db.clone(),
            class_id,
            name: crate::sanitize::clean(&format!("{teacher} / {term} / {class}")),
        })
    }

    /// Opens the class only if it exists.
    pub fn open_existing(
        url: &str,
        teacher: &str,
        term: &str,
        class: &str,
        options: &PgOptions,
    ) -> ClassResult<Option<PgClassStore>> {
        let db = Db::connect(url, options)?;
        let (t, r, c) = (teacher.to_owned(), term.to_owned(), class.to_owned());
        let found: Option<i64> = db.run(move |client| {
            let (t, r, c) = (t.clone(), r.clone(), c.clone());
            async move {
                let row = client
                    .query_opt(
                        "SELECT c.id FROM classes c
                         JOIN teachers t ON t.id = c.teacher_id
                         JOIN terms r ON r.id = c.term_id
                         WHERE t.name = $1 AND r.name = $2 AND c.name = $3",
                        &[&t, &r, &c],
                    )
                    .await?;
                Ok(row.map(|r| r.get(0)))
            }
        })?;
        Ok(found.map(|class_id| PgClassStore {
            db,
            class_id,
            name: crate::sanitize::clean(&format!("{teacher} / {term} / {class}")),
        }))
    }

    /// The database the class is in.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The class's row id.
    pub fn class_id(&self) -> i64 {
        self.class_id
    }
}

fn json_failed(e: serde_json::Error) -> ClassStoreError {
    ClassStoreError::Failed(format!("a record could not be written as JSON: {e}"))
}

impl ClassStore for PgClassStore {
    fn meta(&self, k: &str) -> ClassResult<Option<String>> {
        let (id, k) = (self.class_id, k.to_owned());
        self.db.run(move |c| {
            let k = k.clone();
            async move {
                let row = c
                    .query_opt(
                        "SELECT v FROM class_meta WHERE class_id = $1 AND k = $2",
                        &[&id, &k],
                    )
                    .await?;
                Ok(row.map(|r| r.get(0)))
            }
        })
    }

    fn set_meta(&self, k: &str, v: &str) -> ClassResult<()> {
        let (id, k, v) = (self.class_id, k.to_owned(), v.to_owned());
        self.db.run(move |c| {
            let (k, v) = (k.clone(), v.clone());
            async move {
                c.execute(
                    "INSERT INTO class_meta (class_id, k, v) VALUES ($1, $2, $3)
                     ON CONFLICT (class_id, k) DO UPDATE SET v = EXCLUDED.v",
                    &[&id, &k, &v],
                )
                .await?;
                Ok(())
            }
        })
    }

    fn set_items(&self, items: &[ItemRef]) -> ClassResult<()> {
        let id = self.class_id;
        let items = items.to_vec();
        self.db.run(move |mut c| {
            let items = items.clone();
            async move {
                let tx = c.transaction().await?;
                let positions: Vec<i32> = items
                    .iter()
                    .map(|i| i32::try_from(i.position).unwrap_or(i32::MAX))
                    .collect();
                let decks: Vec<&str> = items.iter().map(|i| i.deck_id.as_str()).collect();
                let cards: Vec<&str> = items.iter().map(|i| i.card_id.as_str()).collect();
                tx.execute(
                    "INSERT INTO items (deck_id, card_id)
                     SELECT d, c FROM unnest($1::text[], $2::text[]) AS u(d, c)
                     ON CONFLICT (deck_id, card_id) DO NOTHING",
                    &[&decks, &cards],
                )
                .await?;
                tx.execute(
                    "INSERT INTO class_items (class_id, position, item_id)
                     SELECT $1, u.p, i.id
                     FROM unnest($2::int[], $3::text[], $4::text[]) AS u(p, d, c)
                     JOIN items i ON i.deck_id = u.d AND i.card_id = u.c
                     ON CONFLICT (class_id, position) DO UPDATE SET item_id = EXCLUDED.item_id",
                    &[&id, &positions, &decks, &cards],
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }
        })
    }

    fn add_student(&self, s: &StoredStudent) -> ClassResult<()> {
        let record = serde_json::to_string(&s.record).map_err(json_failed)?;
        let (id, sid, name, token) = (
            self.class_id,
            i32::try_from(s.id).unwrap_or(i32::MAX),
            s.name.clone(),
            s.token.clone(),
        );
        // An upsert: a retry after a commit whose reply was lost finds the
        // row and writes the same values.
        self.db.run(move |c| {
            let (name, token, record) = (name.clone(), token.clone(), record.clone());
            async move {
                c.execute(
                    "INSERT INTO students (class_id, id, name, token, record) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (class_id, id) DO UPDATE
                     SET name = EXCLUDED.name, token = EXCLUDED.token, record = EXCLUDED.record",
                    &[&id, &sid, &name, &token, &record],
                )
                .await?;
                Ok(())
            }
        })
    }

    fn save_record(&self, sid: u32, record: &ResultFile, marks: &[Mark]) -> ClassResult<()> {
        let json = serde_json::to_string(record).map_err(json_failed)?;
        let submitted = record.submitted.is_some();
        let id = self.class_id;
        let sid_i = i32::try_from(sid).unwrap_or(i32::MAX);
        let score = i32::try_from(marks.iter().filter(|m| m.correct).count()).unwrap_or(i32::MAX);
        let positions: Vec<i32> = marks
            .iter()
            .map(|m| i32::try_from(m.position).unwrap_or(i32::MAX))
            .collect();
        let responses: Vec<Option<String>> = marks.iter().map(|m| m.response.clone()).collect();
        let correct: Vec<bool> = marks.iter().map(|m| m.correct).collect();
        let seconds: Vec<i64> = marks
            .iter()
            .map(|m| i64::try_from(m.seconds).unwrap_or(i64::MAX))
            .collect();
        self.db.run(move |mut c| {
            let (json, positions, responses, correct, seconds) = (
                json.clone(),
                positions.clone(),
                responses.clone(),
                correct.clone(),
                seconds.clone(),
            );
            async move {
                let tx = c.transaction().await?;
                let n = tx
                    .execute(
                        "UPDATE students SET record = $3, submitted = $4, score = $5
                         WHERE class_id = $1 AND id = $2",
                        &[&id, &sid_i, &json, &submitted, &score],
                    )
                    .await?;
                if n != 1 {
                    return Err(Fault::Other(format!("no student {sid}")));
                }
                if !positions.is_empty() {
                    tx.execute(
                        "INSERT INTO answers (class_id, student_id, position, item_id, response, correct, seconds)
                         SELECT $1, $2, u.p, ci.item_id, u.r, u.c, u.s
                         FROM unnest($3::int[], $4::text[], $5::bool[], $6::bigint[]) AS u(p, r, c, s)
                         JOIN class_items ci ON ci.class_id = $1 AND ci.position = u.p
                         ON CONFLICT (class_id, student_id, position) DO UPDATE
                         SET response = EXCLUDED.response, correct = EXCLUDED.correct,
                             seconds = EXCLUDED.seconds, item_id = EXCLUDED.item_id",
                        &[&id, &sid_i, &positions, &responses, &correct, &seconds],
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        })
    }

    fn students(&self) -> ClassResult<Vec<StoredStudent>> {
        let id = self.class_id;
        let rows: Vec<(i32, String, String, String)> = self.db.run(move |c| async move {
            let rows = c
                .query(
                    "SELECT id, name, token, record FROM students WHERE class_id = $1 ORDER BY id",
                    &[&id],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                .collect())
        })?;
        rows.into_iter()
            .map(|(id, name, token, record)| {
                let record: ResultFile = serde_json::from_str(&record)
                    .map_err(|e| ClassStoreError::Failed(format!("student {id}'s record: {e}")))?;
                Ok(StoredStudent {
                    id: u32::try_from(id).unwrap_or(0),
                    name,
                    token,
                    record,
                })
            })
            .collect()
    }

    fn wants_marks(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        format!("{} in {}", self.name, self.db.place())
    }
}
