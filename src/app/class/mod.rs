//! A live class: one quiz served to a room of phones. [`open`] starts a
//! class from a deck (a form made with a seed from the operating system's
//! randomness) or from a form and key made by `quiz make`, or picks up
//! the class a data directory already holds (a restarted server carries
//! on where it stopped). [`Classroom`] carries out what students and the
//! teacher ask, journaling every change before it returns, and [`export`]
//! writes each sitting as the result file `quiz take` would have written,
//! so `docket quiz report` works unchanged.
//!
//! Where the class is kept is the store's business
//! ([`crate::store::class::ClassStore`]): the class's own SQLite file in
//! its data directory by default, or one class of a school in PostgreSQL
//! ([`open_with`]). Surfaces (the web server, `src/web`) call this; they
//! never open the store or read the key themselves.

pub mod school;
pub mod state;

use std::net::IpAddr;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;

use chrono::DateTime;
use chrono::Utc;
use rand::TryRngCore;

use super::AppError;
use super::AppResult;
use crate::clock::SystemClock;
use crate::deck::model::Card;
use crate::grade::Presentation;
use crate::quiz::form::Form;
use crate::quiz::form::Key;
use crate::quiz::form::to_json_bytes;
use crate::quiz::take::Step;
use crate::store::class::ClassStore;
use crate::store::class::ClassStoreError;
use crate::store::class::ClassTarget;
use crate::store::class::ItemRef;
use crate::store::class::Mark;
use crate::store::class::StoredStudent;
pub use state::Class;
pub use state::Limits;
pub use state::Mode;
pub use state::Nav;
pub use state::Phase;

/// Why a student's or teacher's request was refused. Each message is
/// meant for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassError {
    /// The join code does not match.
    #[error("That is not this class's join code: check the code on the board.")]
    WrongCode,
    /// Joining is closed.
    #[error("This class is closed to new students.")]
    Closed,
    /// The class is full.
    #[error("This class is full ({0} students).")]
    Full(usize),
    /// Someone already joined with that name.
    #[error(
        "Someone in this class already has that name: add an initial. If it is you on another phone, give your rejoin code too."
    )]
    NameTaken,
    /// No student of that name has that rejoin code.
    #[error(
        "That name and rejoin code do not match: the code is on your first phone's page, or ask the teacher."
    )]
    WrongRejoin,
    /// The name cannot be used.
    #[error("Please give {0}.")]
    BadName(String),
    /// Too many wrong codes.
    #[error("Too many wrong join codes: ask the teacher.")]
    TooManyAttempts,
    /// No student has this token.
    #[error("You have not joined this class (or your session has expired): join again.")]
    NoStudent,
    /// The sitting was handed in.
    #[error("Your answers were handed in; your receipt is {0}.")]
    Submitted(String),
    /// The request does not fit the form.
    #[error("{0}")]
    Invalid(String),
    /// Not at this point of the class.
    #[error("Not now: {0}.")]
    NotNow(String),
    /// The journal could not record the change.
    #[error("The server could not save this ({0}); tell the teacher.")]
    Journal(String),
}

/// What class to serve, and where to keep it.
#[derive(Debug, Clone)]
pub struct ServeRequest {
    /// A deck to make the form from (the bundled deck when neither this
    /// nor `form` is given).
    pub deck: Option<PathBuf>,
    /// The deck's sources directory (quotes are then proven).
    pub sources: Option<PathBuf>,
    /// Items on a form made from the deck (default: every card).
    pub items: Option<usize>,
    /// Time limit of a form made from the deck, in minutes.
    pub time_limit: Option<u32>,
    /// A form made by `quiz make`.
    pub form: Option<PathBuf>,
    /// Its key.
    pub key: Option<PathBuf>,
    /// The class's data directory (journal, form, key, exported results).
    pub data: PathBuf,
    /// Teacher-paced live round instead of self-paced sittings.
    pub live: bool,
    /// Bounds on joining.
    pub limits: Limits,
}

/// A served class.
pub struct Classroom {
    inner: Mutex<Inner>,
    /// Where the class is kept. A student's change is made under the
    /// class's lock and written after it is released, so students wait
    /// for the database side by side, not one behind another.
    journal: Box<dyn ClassStore>,
    data_dir: PathBuf,
    clock: SystemClock,
}

struct Inner {
    class: Class,
    /// The key's cards as shown, to grade answers for a store that keeps
    /// them as rows (empty otherwise).
    graded: Vec<(Card, Presentation)>,
    /// Per student (by index): changes handed out so far, and the one
    /// written last, behind a lock held while writing. A write older than
    /// the last one written is skipped: each record holds every change
    /// before it, so the newest record wins whatever order threads run in.
    slots: Vec<(u64, Arc<Mutex<u64>>)>,
}

/// A student's record to write, taken under the class's lock.
struct Pending {
    id: u32,
    seq: u64,
    record: crate::quiz::result_file::ResultFile,
    marks: Vec<Mark>,
    slot: Arc<Mutex<u64>>,
}

/// How the class was opened.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Whether an earlier run's class was picked up.
    pub resumed: bool,
    /// Students already in it.
    pub students: usize,
    /// Items on the form.
    pub items: usize,
    /// Self-paced or live.
    pub mode: Mode,
}

/// 128 random bits from the operating system, as hex.
pub fn random_token() -> AppResult<String> {
    let mut b = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut b)
        .map_err(|e| AppError::Failed(format!("no randomness from the system: {e}")))?;
    Ok(hex::encode(b))
}

/// A six-character join code, from letters and digits that cannot be
/// mistaken for one another on a board.
pub fn random_code() -> AppResult<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    rand::rngs::OsRng
        .try_fill_bytes(&mut b)
        .map_err(|e| AppError::Failed(format!("no randomness from the system: {e}")))?;
    // 32 symbols divide 256: no bias.
    Ok(b.iter()
        .map(|x| ALPHABET[usize::from(*x) % ALPHABET.len()] as char)
        .collect())
}

fn failed(e: impl ToString) -> AppError {
    AppError::Failed(e.to_string())
}

/// Opens the class kept in `req.data`, or starts one there.
pub fn open(req: &ServeRequest) -> AppResult<(Classroom, Opened)> {
    open_with(req, &ClassTarget::Sqlite(req.data.clone()))
}

/// Opens the class kept at `target`, or starts one there; `req.data`
/// holds the teacher's copies of the form and key and exported results.
pub fn open_with(req: &ServeRequest, target: &ClassTarget) -> AppResult<(Classroom, Opened)> {
    open_inner(req, target)
}

fn open_inner(req: &ServeRequest, target: &ClassTarget) -> AppResult<(Classroom, Opened)> {
    // A file named but missing is the request's fault, before anything is made.
    for p in [&req.deck, &req.form, &req.key].into_iter().flatten() {
        super::inputs::require(p)?;
    }
    std::fs::create_dir_all(&req.data).map_err(|e| {
        failed(format!(
            "{}: cannot create the class directory: {e}",
            req.data.display()
        ))
    })?;
    let clock = SystemClock::from_env().map_err(AppError::Request)?;
    let now = crate::quiz::clock::Clock::now(&clock);
    let journal = crate::store::class::open(target).map_err(failed)?;
    let resumed = journal.meta("form").map_err(failed)?.is_some();
    if !resumed {
        start(req, journal.as_ref())?;
    }
    let read = |k: &str| -> AppResult<String> {
        journal
            .meta(k)
            .map_err(failed)?
            .ok_or_else(|| failed(format!("the class journal has no {k}")))
    };
    let form: Form = serde_json::from_str(&read("form")?).map_err(|e| failed(e.to_string()))?;
    let key: Key = serde_json::from_str(&read("key")?).map_err(|e| failed(e.to_string()))?;
    if let Some(p) = &req.form
        && resumed
    {
        let given = Form::read(p).map_err(|e| failed(e.to_string()))?;
        if given.fingerprint != form.fingerprint {
            return Err(AppError::Request(format!(
                "{} holds a class with another form; give another --data directory",
                req.data.display()
            )));
        }
    }
    let mode = Mode::from_name(&read("mode")?).unwrap_or(Mode::SelfPaced);
    let mut class = Class::new(
        form,
        key,
        mode,
        read("teacher_token")?,
        read("join_code")?,
        req.limits,
    );
    if let Some(p) = journal.meta("phase").map_err(failed)? {
        class.phase = Phase::decode(&p).unwrap_or(Phase::Lobby);
    }
    class.names_hidden = journal.meta("names_hidden").map_err(failed)?.as_deref() == Some("1");
    class.joining = journal.meta("joining").map_err(failed)?.as_deref() != Some("0");
    class.speed_bonus = journal.meta("speed_bonus").map_err(failed)?.as_deref() == Some("1");
    for s in journal.students().map_err(failed)? {
        class
            .restore(s.id, s.name, s.token, s.record, now)
            .map_err(failed)?;
    }
    // The teacher's copies, for `docket quiz report` and `quiz print`.
    super::quiz::write_file(&req.data.join("form.json"), &to_json_bytes(class.form))?;
    super::quiz::write_file(&req.data.join("key.json"), &to_json_bytes(&class.key))?;
    let graded = if journal.wants_marks() {
        crate::quiz::collect::graded_items(&class.key)
    } else {
        Vec::new()
    };
    let opened = Opened {
        resumed,
        students: class.students.len(),
        items: class.items(),
        mode: class.mode,
    };
    Ok((
        Classroom {
            inner: Mutex::new(Inner {
                slots: (0..class.students.len())
                    .map(|_| (0, Arc::new(Mutex::new(0))))
                    .collect(),
                class,
                graded,
            }),
            journal,
            data_dir: req.data.clone(),
            clock,
        },
        opened,
    ))
}

/// Makes (or reads) the form and key of a new class and journals them.
fn start(req: &ServeRequest, journal: &dyn ClassStore) -> AppResult<()> {
    let (form, key) = match (&req.form, &req.key) {
        (Some(f), Some(k)) => {
            super::inputs::require(f)?;
            super::inputs::require(k)?;
            let form = Form::read(f).map_err(|e| failed(e.to_string()))?;
            let key = Key::read(k).map_err(|e| failed(e.to_string()))?;
            crate::quiz::print::check_pair(&form, &key)
                .map_err(|e| failed(format!("{}: {e}", k.display())))?;
            (form, key)
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(AppError::Request(
                "give both --form and --key (or a deck)".into(),
            ));
        }
        (None, None) => {
            let mut seed = [0u8; 8];
            rand::rngs::OsRng
                .try_fill_bytes(&mut seed)
                .map_err(|e| failed(format!("no randomness from the system: {e}")))?;
            let form_path = req.data.join("form.json");
            let made = super::quiz::make(&super::quiz::MakeRequest {
                deck: req.deck.clone(),
                sources: req.sources.clone(),
                items: req.items,
                topics: Vec::new(),
                kinds: Vec::new(),
                seed: u64::from_le_bytes(seed),
                time_limit: req.time_limit,
                form: form_path.clone(),
                key: Some(req.data.join("key.json")),
                force: true,
            })?;
            (
                Form::read(&made.form).map_err(|e| failed(e.to_string()))?,
                Key::read(&made.key).map_err(|e| failed(e.to_string()))?,
            )
        }
    };
    journal.set_items(&item_refs(&key)).map_err(failed)?;
    journal.set_meta("key", &json(&key)).map_err(failed)?;
    journal
        .set_meta("teacher_token", &random_token()?)
        .map_err(failed)?;
    journal
        .set_meta("join_code", &random_code()?)
        .map_err(failed)?;
    journal
        .set_meta(
            "mode",
            if req.live {
                Mode::Live.name()
            } else {
                Mode::SelfPaced.name()
            },
        )
        .map_err(failed)?;
    // The form last: its presence says the class is complete.
    journal.set_meta("form", &json(&form)).map_err(failed)?;
    Ok(())
}

/// A form or key as the journal keeps it.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl Classroom {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the class as it was after
        // the last journaled change: carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The server's clock (`DOCKET_NOW` in tests).
    pub fn now(&self) -> DateTime<Utc> {
        crate::quiz::clock::Clock::now(&self.clock)
    }

    /// The class's data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Reads the class (to draw a page).
    pub fn read<R>(&self, f: impl FnOnce(&Class) -> R) -> R {
        f(&self.lock().class)
    }

    /// Whether `token` is the teacher's (compared in constant time).
    pub fn is_teacher(&self, token: &str) -> bool {
        use subtle::ConstantTimeEq;
        let g = self.lock();
        let want = g.class.teacher_token.as_bytes();
        want.len() == token.len() && bool::from(want.ct_eq(token.as_bytes()))
    }

    /// Takes student `s`'s record to write (under the class's lock).
    fn pending(&self, inner: &mut Inner, s: usize) -> Pending {
        while inner.slots.len() <= s {
            inner.slots.push((0, Arc::new(Mutex::new(0))));
        }
        let st = &inner.class.students[s];
        let marks = if self.journal.wants_marks() {
            marks(inner, st.record())
        } else {
            Vec::new()
        };
        let (id, record) = (st.id, st.record().clone());
        let slot = &mut inner.slots[s];
        slot.0 += 1;
        Pending {
            id,
            seq: slot.0,
            record,
            marks,
            slot: slot.1.clone(),
        }
    }

    /// Writes a student's record unless a newer one was written already.
    fn write(&self, p: Pending) -> Result<(), ClassError> {
        let mut last = p.slot.lock().unwrap_or_else(|e| e.into_inner());
        if *last >= p.seq {
            return Ok(());
        }
        self.journal
            .save_record(p.id, &p.record, &p.marks)
            .map_err(journal_error)?;
        *last = p.seq;
        Ok(())
    }

    fn save(&self, g: &mut Inner, students: &[usize]) -> Result<(), ClassError> {
        for &s in students {
            let p = self.pending(g, s);
            self.write(p)?;
        }
        Ok(())
    }

    /// A student joins; returns their secret token. With a rejoin code,
    /// a student already in the class comes back (see [`Class::rejoin`])
    /// and gets their token again.
    pub fn join(
        &self,
        name: &str,
        code: &str,
        rejoin: Option<&str>,
        from: Option<IpAddr>,
    ) -> Result<String, ClassError> {
        if let Some(rejoin) = rejoin.filter(|r| !r.trim().is_empty()) {
            let mut g = self.lock();
            let s = g.class.rejoin(name, code, rejoin, from)?;
            return Ok(g.class.token_of(s).to_string());
        }
        let token = random_token().map_err(|e| ClassError::Journal(e.to_string()))?;
        let now = self.now();
        let mut g = self.lock();
        let s = g.class.join(name, code, from, token.clone(), now)?;
        let st = &g.class.students[s];
        let stored = StoredStudent {
            id: st.id,
            name: st.name.clone(),
            token: token.clone(),
            record: st.record().clone(),
        };
        if let Err(e) = self.journal.add_student(&stored) {
            g.class.forget_last();
            return Err(journal_error(e));
        }
        g.slots.truncate(s);
        g.slots.push((0, Arc::new(Mutex::new(0))));
        Ok(token)
    }

    /// A self-paced step (see [`Class::act`]), journaled.
    pub fn act(
        &self,
        token: &str,
        item: Option<usize>,
        answer: Option<&str>,
        nav: Nav,
    ) -> Result<Step, ClassError> {
        let now = self.now();
        let mut g = self.lock();
        let (s, step) = g.class.act(token, item, answer, nav, now)?;
        let p = self.pending(&mut g, s);
        drop(g);
        self.write(p)?;
        Ok(step)
    }

    /// Hands a self-paced sitting in; returns the receipt.
    pub fn hand_in(&self, token: &str) -> Result<String, ClassError> {
        let now = self.now();
        let mut g = self.lock();
        let (s, receipt) = g.class.hand_in(token, now)?;
        let p = self.pending(&mut g, s);
        drop(g);
        self.write(p)?;
        Ok(receipt)
    }

    /// A live-round answer.
    pub fn answer_live(&self, token: &str, item: usize, answer: &str) -> Result<Step, ClassError> {
        let now = self.now();
        let mut g = self.lock();
        let (s, step) = g.class.answer_live(token, item, answer, now)?;
        let p = self.pending(&mut g, s);
        drop(g);
        self.write(p)?;
        Ok(step)
    }

    fn teacher_step(
        &self,
        f: impl FnOnce(&mut Class, DateTime<Utc>) -> Result<Vec<usize>, ClassError>,
    ) -> Result<(), ClassError> {
        let now = self.now();
        let mut g = self.lock();
        let changed = f(&mut g.class, now)?;
        self.save(&mut g, &changed)?;
        let phase = g.class.phase.encode();
        let joining = if g.class.joining { "1" } else { "0" };
        let hidden = if g.class.names_hidden { "1" } else { "0" };
        let bonus = if g.class.speed_bonus { "1" } else { "0" };
        for (k, v) in [
            ("phase", phase.as_str()),
            ("joining", joining),
            ("names_hidden", hidden),
            ("speed_bonus", bonus),
        ] {
            self.journal.set_meta(k, v).map_err(journal_error)?;
        }
        Ok(())
    }

    /// Hands in the sittings whose time ran out (before an export).
    pub fn hand_in_expired(&self) -> Result<(), ClassError> {
        self.hand_in_expired_at(self.now())
    }

    fn hand_in_expired_at(&self, now: DateTime<Utc>) -> Result<(), ClassError> {
        let mut g = self.lock();
        let changed = g.class.hand_in_expired(now);
        self.save(&mut g, &changed)
    }

    /// Opens the live round's next item.
    pub fn open_next(&self) -> Result<(), ClassError> {
        self.teacher_step(|c, now| c.open_next(now))
    }

    /// Closes the open item.
    pub fn close_item(&self) -> Result<(), ClassError> {
        self.teacher_step(|c, now| c.close_item(now))
    }

    /// Ends the live round.
    pub fn finish(&self) -> Result<(), ClassError> {
        self.teacher_step(|c, now| c.finish(now))
    }

    /// Hides or shows names on the projector.
    pub fn hide_names(&self, hidden: bool) -> Result<(), ClassError> {
        self.teacher_step(|c, _| {
            c.names_hidden = hidden;
            Ok(Vec::new())
        })
    }

    /// Turns the live round's speed bonus on or off (points on the
    /// projector and phones only: result files and the report score
    /// right answers, as ever).
    pub fn set_speed_bonus(&self, on: bool) -> Result<(), ClassError> {
        self.teacher_step(|c, _| {
            c.speed_bonus = on;
            Ok(Vec::new())
        })
    }

    /// Opens or closes joining.
    pub fn set_joining(&self, open: bool) -> Result<(), ClassError> {
        self.teacher_step(|c, _| {
            c.joining = open && c.phase != Phase::Finished;
            Ok(Vec::new())
        })
    }
}

/// Where a class is kept, for messages (never a password).
fn describe(target: &ClassTarget) -> String {
    match target {
        ClassTarget::Sqlite(data) => crate::sanitize::path(&crate::store::class::sqlite_path(data)),
        ClassTarget::Postgres {
            teacher,
            term,
            class,
            ..
        } => crate::sanitize::clean(&format!(
            "class {class} of teacher {teacher} in term {term} (PostgreSQL)"
        )),
    }
}

fn journal_error(e: ClassStoreError) -> ClassError {
    ClassError::Journal(e.to_string())
}

/// The form's items and the cards they ask.
fn item_refs(key: &Key) -> Vec<ItemRef> {
    key.items
        .iter()
        .zip(0u32..)
        .map(|(item, position)| ItemRef {
            position,
            deck_id: key.deck.id.clone(),
            card_id: item.card.id.clone(),
        })
        .collect()
}

/// A student's standing answers, graded as `quiz report` grades them.
fn marks(inner: &Inner, record: &crate::quiz::result_file::ResultFile) -> Vec<Mark> {
    grade_record(&inner.class.key, &inner.graded, record)
}

/// A record's standing answers, graded with the key's cards as shown.
fn grade_record(
    key: &Key,
    graded: &[(Card, Presentation)],
    record: &crate::quiz::result_file::ResultFile,
) -> Vec<Mark> {
    let ids: Vec<String> = key.items.iter().map(|i| i.id.clone()).collect();
    // Events name only the form's items (the class wrote them).
    let Ok(answers) = record.answers(&ids) else {
        return Vec::new();
    };
    answers
        .into_iter()
        .zip(graded)
        .zip(0u32..)
        .map(|(((response, seconds), (card, shown)), position)| {
            let correct = response
                .as_deref()
                .filter(|t| t.len() <= crate::quiz::collect::MAX_RESPONSE_BYTES)
                .and_then(|t| crate::grade::grade(card, shown, t).ok())
                .is_some_and(|g| g.correct);
            Mark {
                position,
                response,
                correct,
                seconds,
            }
        })
        .collect()
}

/// A file name for a student's result: join order and a tame form of the
/// name (the name itself is inside the file).
fn result_name(id: u32, name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 30 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("{id:03}.json")
    } else {
        format!("{id:03}-{slug}.json")
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// One result file per student, in join order.
    pub files: Vec<PathBuf>,
    /// Students whose time limit had run out, handed in by this export
    /// (as `quiz take` would have at their next keystroke).
    pub timed_out: Vec<String>,
    /// Students who have not handed in (their files say so, and `quiz
    /// report` lists them as never submitted).
    pub not_handed_in: Vec<String>,
}

/// Writes every sitting of the class in `data` as a result file in `out`
/// (handed in or not: `quiz report` says which were never submitted).
/// Works on a stopped class (`docket class export`): a sitting whose
/// time limit has passed is handed in first, as `quiz take` would have,
/// and the store keeps it handed in.
pub fn export(data: &Path, out: &Path) -> AppResult<Exported> {
    super::inputs::require(&crate::store::class::sqlite_path(data))?;
    export_from(&ClassTarget::Sqlite(data.to_path_buf()), out)
}

/// Writes every sitting of the class kept at `target` as a result file in
/// `out`, as [`export`] does.
pub fn export_from(target: &ClassTarget, out: &Path) -> AppResult<Exported> {
    let journal = crate::store::class::open_existing(target)
        .map_err(failed)?
        .ok_or_else(|| AppError::Request(format!("no class at {}", describe(target))))?;
    let clock = SystemClock::from_env().map_err(AppError::Request)?;
    export_store(
        journal.as_ref(),
        out,
        crate::quiz::clock::Clock::now(&clock),
    )
}

/// Writes every sitting kept in `journal` into `out` at `now`, handing in
/// first the sittings whose time limit has passed.
fn export_store(journal: &dyn ClassStore, out: &Path, now: DateTime<Utc>) -> AppResult<Exported> {
    let read = |k: &str| -> AppResult<Option<String>> { journal.meta(k).map_err(failed) };
    let form: Option<Form> = read("form")?.and_then(|f| serde_json::from_str(&f).ok());
    let key: Option<Key> = read("key")?.and_then(|k| serde_json::from_str(&k).ok());
    let graded = match &key {
        Some(key) if journal.wants_marks() => crate::quiz::collect::graded_items(key),
        _ => Vec::new(),
    };
    std::fs::create_dir_all(out)
        .map_err(|e| failed(format!("{}: cannot create: {e}", out.display())))?;
    let mut done = Exported::default();
    for s in journal.students().map_err(failed)? {
        let mut record = s.record;
        if let Some(form) = &form
            && record.submitted.is_none()
            && let Ok(mut take) =
                crate::quiz::take::Take::resume(form, record.clone(), &s.name, now)
            && take.minutes_left(now) == Some(0)
        {
            // Any input past the deadline hands in with `time_up`.
            take.apply(crate::quiz::input::Input::Help, now);
            record = take.record().clone();
            let marks = match &key {
                Some(key) if journal.wants_marks() => grade_record(key, &graded, &record),
                _ => Vec::new(),
            };
            journal.save_record(s.id, &record, &marks).map_err(failed)?;
            done.timed_out.push(s.name.clone());
        }
        if record.submitted.is_none() {
            done.not_handed_in.push(s.name.clone());
        }
        let p = out.join(result_name(s.id, &s.name));
        record
            .write(&p)
            .map_err(|e| failed(format!("{}: cannot write: {e}", p.display())))?;
        done.files.push(p);
    }
    Ok(done)
}

/// Exports the class kept at `target` as [`export_from`] does, and writes
/// its form and key into `data` (as `docket class serve` does), so the
/// result files can be reported on with `docket quiz report` anywhere.
pub fn export_with(target: &ClassTarget, data: &Path, out: &Path) -> AppResult<Exported> {
    if let ClassTarget::Sqlite(dir) = target {
        super::inputs::require(&crate::store::class::sqlite_path(dir))?;
    } else {
        let journal = crate::store::class::open_existing(target)
            .map_err(failed)?
            .ok_or_else(|| AppError::Request(format!("no class at {}", describe(target))))?;
        std::fs::create_dir_all(data)
            .map_err(|e| failed(format!("{}: cannot create: {e}", data.display())))?;
        for (k, file) in [("form", "form.json"), ("key", "key.json")] {
            let text = journal
                .meta(k)
                .map_err(failed)?
                .ok_or_else(|| failed(format!("the class has no {k} yet")))?;
            super::quiz::write_file(&data.join(file), text.as_bytes())?;
        }
    }
    export_from(target, out)
}

/// Copies a whole class (settings, form, key, tokens, students and their
/// records) from one store to another: a school's class into its own
/// SQLite file (to move back), or a class file into the school's database.
/// The destination must not hold a class yet.
pub fn copy(from: &ClassTarget, to: &ClassTarget) -> AppResult<usize> {
    let src = crate::store::class::open_existing(from)
        .map_err(failed)?
        .ok_or_else(|| AppError::Request(format!("no class at {}", describe(from))))?;
    if let ClassTarget::Sqlite(dir) = to {
        std::fs::create_dir_all(dir)
            .map_err(|e| failed(format!("{}: cannot create: {e}", dir.display())))?;
    }
    let dst = crate::store::class::open(to).map_err(failed)?;
    if dst.meta("form").map_err(failed)?.is_some() {
        return Err(AppError::Request(format!(
            "{} holds a class already",
            describe(to)
        )));
    }
    let key: Key = serde_json::from_str(
        &src.meta("key")
            .map_err(failed)?
            .ok_or_else(|| failed("the class has no key"))?,
    )
    .map_err(failed)?;
    let items: Vec<ItemRef> = item_refs(&key);
    dst.set_items(&items).map_err(failed)?;
    let students = src.students().map_err(failed)?;
    let graded = if dst.wants_marks() {
        crate::quiz::collect::graded_items(&key)
    } else {
        Vec::new()
    };
    for s in &students {
        dst.add_student(s).map_err(failed)?;
        let marks = if dst.wants_marks() {
            grade_record(&key, &graded, &s.record)
        } else {
            Vec::new()
        };
        dst.save_record(s.id, &s.record, &marks).map_err(failed)?;
    }
    // The form last: its presence says the class is complete.
    for k in [
        "key",
        "teacher_token",
        "join_code",
        "mode",
        "phase",
        "joining",
        "names_hidden",
        "speed_bonus",
        "form",
    ] {
        if let Some(v) = src.meta(k).map_err(failed)? {
            dst.set_meta(k, &v).map_err(failed)?;
        }
    }
    Ok(students.len())
}

impl Classroom {
    /// Exports a running class: hands in the sittings whose time ran
    /// out, then writes every sitting into `out` (see [`export`]).
    pub fn export(&self, out: &Path) -> AppResult<Exported> {
        let now = self.now();
        self.hand_in_expired_at(now)
            .map_err(|e| AppError::Failed(e.to_string()))?;
        export_store(self.journal.as_ref(), out, now)
    }

    /// The class's report so far: the sittings exported to `results/` in
    /// the data directory, then reported on as `docket quiz report` would.
    pub fn report(&self) -> AppResult<super::quiz::ClassReport> {
        let out = self.data_dir.join("results");
        self.export(&out)?;
        super::quiz::report(&super::quiz::ReportRequest {
            key: self.data_dir.join("key.json"),
            results: vec![out],
            receipts: None,
            min_class_size: crate::quiz::flags::DEFAULT_MIN_CLASS_SIZE,
        })
    }
}

#[cfg(test)]
mod tests;
