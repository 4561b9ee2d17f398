//! `docket study [DECK...]` (and `docket` alone, on the bundled deck):
//! loads and checks the decks, opens the progress store, syncs each deck
//! into it, and drives a session through the chosen frontend. Also the
//! deck/store/settings preparation the other progress commands share.

use std::io::IsTerminal;
use std::path::Path;
use std::path::PathBuf;

use sha2::Digest;

use super::EXIT_FAILURE;
use super::EXIT_OK;
use super::EXIT_USAGE;
use crate::check::CheckOptions;
use crate::check::CheckedDeck;
use crate::check::check_loaded;
use crate::clock::Clock;
use crate::clock::SystemClock;
use crate::deck::Deck;
use crate::deck::deck_files;
use crate::deck::model::DeckMeta;
use crate::deck::read_deck_file;
use crate::diagnostic::render;
use crate::frontend;
use crate::frontend::Frontend;
use crate::schedule::Scheduler;
use crate::schedule::SchedulerConfig;
use crate::schedule::config::parse_steps;
use crate::session::CardSource;
use crate::session::Session;
use crate::session::View;
use crate::session::cards::CachedCards;
use crate::session::cards::DeckCards;
use crate::store::DeckCard;
use crate::store::DeckFile;
use crate::store::SqliteStore;
use crate::store::Store;
use crate::store::SyncReport;

/// Inputs after which a session ends unless `--limit` says otherwise: far
/// more than a day's study (200 reviews and 20 new cards, each answered and
/// rated), few enough that endless scripted input ends within seconds.
pub const DEFAULT_ANSWER_LIMIT: u32 = 5000;

/// Arguments of `docket study`.
#[derive(Debug, Default, clap::Args)]
pub struct StudyArgs {
    /// Deck files or directories; none studies the bundled case deck.
    pub decks: Vec<PathBuf>,
    /// How to study.
    #[command(flatten)]
    pub options: StudyOptions,
}

/// Options of `docket study`, also accepted by `docket` alone.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct StudyOptions {
    /// Line mode (automatic when stdin is not a terminal).
    #[arg(long, conflicts_with = "json")]
    pub plain: bool,
    /// JSON-lines protocol on stdin/stdout (see docs/protocol.md).
    #[arg(long)]
    pub json: bool,
    /// In line mode, read a rating line after each answer.
    #[arg(long)]
    pub rate: bool,
    /// End the session after this many inputs (answers, ratings, commands).
    /// The default bounds a script that answers forever (`yes a | docket`):
    /// failed cards come back within the learn-ahead window, so such a
    /// session would otherwise never run out of cards.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ANSWER_LIMIT)]
    pub limit: u32,
    /// Scheduling options.
    #[command(flatten)]
    pub sched: SchedArgs,
}

/// Scheduling options shared by the progress commands.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SchedArgs {
    /// Do not fuzz intervals (for tests and simulations).
    #[arg(long)]
    pub no_fuzz: bool,
    /// Seed for option order (default: random).
    #[arg(long, env = "DOCKET_SEED")]
    pub seed: Option<u64>,
    /// New cards per day (default 20, or the stored setting).
    #[arg(long, value_name = "N")]
    pub new_limit: Option<u32>,
    /// Reviews per day (default 200, or the stored setting).
    #[arg(long, value_name = "N")]
    pub review_limit: Option<u32>,
    /// Retention to aim for, 0.70–0.99 (default: the deck's, else 0.9).
    #[arg(long, value_name = "R")]
    pub desired_retention: Option<f32>,
}

/// A deck ready to study: checked now, or unchanged since it was checked.
pub enum StudyDeck {
    /// Parsed and checked in this run.
    Full(CheckedDeck),
    /// Unchanged since last checked: cards are re-read one at a time from the store.
    Cached(CachedCards),
}

impl StudyDeck {
    /// The `[deck]` table.
    pub fn meta(&self) -> &DeckMeta {
        match self {
            StudyDeck::Full(d) => &d.deck().meta,
            StudyDeck::Cached(c) => c.meta(),
        }
    }

    /// Its cards, for a session.
    pub fn source(&self) -> Box<dyn CardSource + '_> {
        match self {
            StudyDeck::Full(d) => Box::new(DeckCards::new(d.deck())),
            StudyDeck::Cached(c) => Box::new(CardsRef(c)),
        }
    }
}

struct CardsRef<'a>(&'a CachedCards);

impl CardSource for CardsRef<'_> {
    fn meta(&self) -> &DeckMeta {
        self.0.meta()
    }

    fn card(&self, store: &dyn Store, card_id: &str) -> Option<crate::session::OneCard> {
        self.0.card(store, card_id)
    }
}

/// Decks ready to study, with the store synced.
pub struct Prepared {
    /// The decks.
    pub decks: Vec<StudyDeck>,
    /// The progress store.
    pub store: SqliteStore,
    /// What each sync found.
    pub reports: Vec<SyncReport>,
    /// The clock.
    pub clock: SystemClock,
}

/// The deck files named by `paths` (directories searched for `*.toml`).
pub fn deck_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, u8> {
    let mut files = Vec::new();
    for p in paths {
        match deck_files(p) {
            Ok(f) if f.is_empty() => {
                eprintln!("docket: {}: no `*.toml` decks there", p.display());
                return Err(EXIT_USAGE);
            }
            Ok(f) => files.extend(f),
            Err(e) => {
                eprintln!("docket: {}: {e}", p.display());
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(files)
}

/// Opens the store in the data directory; problems are printed.
pub fn open_store() -> Result<SqliteStore, u8> {
    let opened = crate::store::data_dir().and_then(|dir| SqliteStore::open_dir(&dir));
    opened.map_err(|e| {
        eprintln!("docket: {e}");
        EXIT_FAILURE
    })
}

/// Reads `DOCKET_NOW`.
pub fn clock() -> Result<SystemClock, u8> {
    SystemClock::from_env().map_err(|e| {
        eprintln!("docket: {e}");
        EXIT_USAGE
    })
}

/// The identity of an in-memory deck for sync: its id and every card's id and content.
pub fn deck_hash(deck: &Deck) -> String {
    let mut h = sha2::Sha256::new();
    h.update(deck.meta.id.as_bytes());
    h.update(deck.meta.title.as_bytes());
    for c in &deck.cards {
        h.update([0]);
        h.update(c.id.as_bytes());
        h.update([0]);
        h.update(c.content_hash().as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// Syncs a deck into the store; `texts` are the cards' own texts, kept
/// for the unchanged-file fast path.
pub fn sync(
    store: &mut dyn Store,
    deck: &Deck,
    deck_hash: &str,
    texts: Option<Vec<String>>,
    now_ms: i64,
) -> crate::store::StoreResult<SyncReport> {
    let mut texts = texts.map(|t| t.into_iter());
    let cards: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
            text: texts.as_mut().and_then(|t| t.next()),
        })
        .collect();
    store.sync_deck(&deck.meta.id, &deck.meta.title, deck_hash, &cards, now_ms)
}

fn fail(e: impl std::fmt::Display) -> u8 {
    eprintln!("docket: {e}");
    EXIT_FAILURE
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The key a deck file is remembered under: its canonical path, so the
/// same file named from another directory is recognised.
fn file_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn mtime_ns(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64)
}

/// The unchanged-file fast path: the file has the size and mtime (or,
/// failing that, the content hash) it had when it was last checked.
fn cached(store: &mut SqliteStore, path: &Path) -> Result<Option<CachedCards>, u8> {
    let key = file_key(path);
    let Some(mut rec) = store.deck_file(&key).map_err(fail)? else {
        return Ok(None);
    };
    let Ok(md) = std::fs::metadata(path) else {
        return Ok(None);
    };
    if rec.size != md.len() as i64 {
        return Ok(None);
    }
    if rec.mtime_ns == 0 || rec.mtime_ns != mtime_ns(&md) {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None);
        };
        if sha256_hex(&bytes) != rec.file_hash {
            return Ok(None);
        }
        rec.mtime_ns = mtime_ns(&md);
        store.set_deck_file(&rec).map_err(fail)?;
    }
    let Some((text, _)) = store
        .card_text(&rec.deck_id, &rec.first_card)
        .map_err(fail)?
    else {
        return Ok(None);
    };
    Ok(CachedCards::new(path, rec.head, &text))
}

/// Each card's own text: from its `[[card]]` header to the next card's.
/// `None` when the layout does not allow it (a table after the first card).
fn card_texts(deck: &Deck, text: &str) -> Option<(String, Vec<String>)> {
    let first = deck.cards.first()?.spans.card.start;
    if deck.sources.iter().any(|s| s.file_span.start > first) {
        return None;
    }
    let starts: Vec<usize> = deck.cards.iter().map(|c| c.spans.card.start).collect();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push(text.get(start..end)?.to_string());
    }
    Some((text.get(..first)?.to_string(), out))
}

/// Loads one deck file: the fast path when it is unchanged, else parse,
/// check, sync and remember it.
fn load_file(
    store: &mut SqliteStore,
    path: &Path,
    now_ms: i64,
) -> Result<(StudyDeck, SyncReport), u8> {
    if let Some(c) = cached(store, path)? {
        let report = SyncReport {
            unchanged: true,
            ..SyncReport::default()
        };
        return Ok((StudyDeck::Cached(c), report));
    }
    let mut loaded = read_deck_file(path);
    let checked = check_loaded(&mut loaded, &CheckOptions::default());
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let Some(checked) = checked else {
        let mut err = codespan_reporting::term::termcolor::StandardStream::stderr(
            super::check_cmd::stderr_color(),
        );
        let _ = render::render(
            &mut err,
            &loaded.path,
            &loaded.text,
            &errors,
            render::Style::Rich,
        );
        eprintln!("docket: fix the deck errors above (see `docket check`)");
        return Err(EXIT_FAILURE);
    };
    let deck = checked.deck();
    let file_hash = sha256_hex(loaded.text.as_bytes());
    let texts = card_texts(deck, &loaded.text);
    let report = sync(
        store,
        deck,
        &format!("file:{file_hash}"),
        texts.as_ref().map(|(_, t)| t.clone()),
        now_ms,
    )
    .map_err(fail)?;
    if let (Some((head, _)), Ok(md)) = (texts, std::fs::metadata(path)) {
        let mtime = mtime_ns(&md);
        // A file modified within the last seconds could change again within
        // the same mtime tick: make the next run compare its hash.
        let wall_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let racy = (wall_ns - mtime as i128).abs() < 3_000_000_000;
        let rec = DeckFile {
            path: file_key(path),
            deck_id: deck.meta.id.clone(),
            size: md.len() as i64,
            mtime_ns: if racy { 0 } else { mtime },
            file_hash,
            head,
            first_card: deck.cards.first().map(|c| c.id.clone()).unwrap_or_default(),
        };
        store.set_deck_file(&rec).map_err(fail)?;
    }
    Ok((StudyDeck::Full(checked), report))
}

/// Decks, store and clock, with every deck synced. No paths means the bundled deck.
pub fn prepare(paths: &[PathBuf]) -> Result<Prepared, u8> {
    let clock = clock()?;
    let files = deck_paths(paths)?;
    let mut store = open_store()?;
    let now = clock.now();
    let mut decks = Vec::new();
    let mut reports = Vec::new();
    if paths.is_empty() {
        let d = crate::bundled::case_deck().map_err(fail)?;
        let hash = deck_hash(d.deck());
        reports.push(sync(&mut store, d.deck(), &hash, None, now.ms).map_err(fail)?);
        decks.push(StudyDeck::Full(d));
    }
    for f in files {
        let (d, r) = load_file(&mut store, &f, now.ms)?;
        decks.push(d);
        reports.push(r);
    }
    Ok(Prepared {
        decks,
        store,
        reports,
        clock,
    })
}

/// Settings: defaults, then the deck file, then stored user settings
/// (scope "" then the deck id), then flags.
pub fn config_for(
    store: &dyn Store,
    deck: &DeckMeta,
    args: &SchedArgs,
) -> Result<SchedulerConfig, String> {
    let mut c = SchedulerConfig {
        desired_retention: deck.desired_retention,
        ..SchedulerConfig::default()
    };
    for scope in ["", deck.id.as_str()] {
        let get = |key: &str| {
            store
                .setting(scope, key)
                .map(|v| v.filter(|v| !v.is_empty()))
                .map_err(|e| e.to_string())
        };
        let bad = |key: &str, v: &str| format!("stored setting {key} = `{v}` is not valid");
        if let Some(v) = get("desired_retention")? {
            c.desired_retention = v.parse().map_err(|_| bad("desired_retention", &v))?;
        }
        if let Some(v) = get("new_per_day")? {
            c.new_per_day = v.parse().map_err(|_| bad("new_per_day", &v))?;
        }
        if let Some(v) = get("reviews_per_day")? {
            c.reviews_per_day = v.parse().map_err(|_| bad("reviews_per_day", &v))?;
        }
        if let Some(v) = get("learn_steps")? {
            c.learn_steps = parse_steps(&v)?;
        }
        if let Some(v) = get("relearn_steps")? {
            c.relearn_steps = parse_steps(&v)?;
        }
        if let Some(v) = get("day_start_hour")? {
            c.day_start_hour = v.parse().map_err(|_| bad("day_start_hour", &v))?;
        }
        if let Some(v) = get("fsrs_params")? {
            c.params = serde_json::from_str(&v).map_err(|_| bad("fsrs_params", &v))?;
        }
    }
    if let Some(n) = args.new_limit {
        c.new_per_day = n;
    }
    if let Some(n) = args.review_limit {
        c.reviews_per_day = n;
    }
    if let Some(r) = args.desired_retention {
        c.desired_retention = r;
    }
    if !(0.7..=0.99).contains(&c.desired_retention) {
        return Err(format!(
            "desired retention {} is outside 0.70–0.99",
            c.desired_retention
        ));
    }
    c.fuzz = !args.no_fuzz;
    Ok(c)
}

/// Runs `docket study`.
pub fn run(args: &StudyArgs) -> anyhow::Result<u8> {
    let Prepared {
        decks,
        mut store,
        reports,
        clock,
    } = match prepare(&args.decks) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let seed = args.options.sched.seed.unwrap_or_else(rand::random);
    let plain =
        args.options.plain || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut fe: Box<dyn Frontend> = if args.options.json {
        Box::new(frontend::json::Json::new(
            stdin.lock(),
            std::io::BufWriter::new(stdout.lock()),
        ))
    } else if plain {
        Box::new(frontend::plain::Plain::new(
            stdin.lock(),
            std::io::BufWriter::new(stdout.lock()),
            args.options.rate,
        ))
    } else {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Box::new(frontend::tty::Tty::new(!no_color))
    };
    for (deck, report) in decks.iter().zip(&reports) {
        let config = match config_for(&store, deck.meta(), &args.options.sched) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("docket: {e}");
                return Ok(EXIT_USAGE);
            }
        };
        let sched = Scheduler::new(config)?;
        let mut first = Vec::new();
        if !report.changed.is_empty() {
            let shown: Vec<&str> = report.changed.iter().take(10).map(String::as_str).collect();
            let more = report.changed.len() - shown.len();
            first.push(View::Notice {
                message: format!(
                    "{} card(s) changed since last time: {}{}",
                    report.changed.len(),
                    crate::sanitize::clean(&shown.join(", ")),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
            });
        }
        let source = deck.source();
        let (mut session, views) =
            Session::start(&mut store, source.as_ref(), sched, seed, clock.now())?;
        first.extend(views);
        if frontend::drive(
            &mut session,
            fe.as_mut(),
            &clock,
            first,
            Some(args.options.limit),
        )? {
            break;
        }
    }
    Ok(EXIT_OK)
}
