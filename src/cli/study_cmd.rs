//! `docket study [DECK...]` (and `docket` alone, on the bundled deck):
//! loads and checks the decks, opens the progress store, syncs each deck
//! into it, and drives a session through the chosen frontend. Also the
//! deck/store/settings preparation the other progress commands share.

use std::io::IsTerminal;
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
use crate::deck::read_deck_file;
use crate::diagnostic::render;
use crate::frontend;
use crate::frontend::Frontend;
use crate::schedule::Scheduler;
use crate::schedule::SchedulerConfig;
use crate::schedule::config::parse_steps;
use crate::session::Session;
use crate::session::View;
use crate::store::DeckCard;
use crate::store::SqliteStore;
use crate::store::Store;
use crate::store::SyncReport;

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

/// A deck ready to study: checked, with its store synced.
pub struct Prepared {
    /// The decks, checked.
    pub decks: Vec<CheckedDeck>,
    /// The progress store.
    pub store: SqliteStore,
    /// What each sync found.
    pub reports: Vec<SyncReport>,
    /// The clock.
    pub clock: SystemClock,
}

/// Loads and checks decks (none: the bundled deck). Problems are printed;
/// the error is the exit code.
pub fn load_decks(paths: &[PathBuf]) -> Result<Vec<CheckedDeck>, u8> {
    if paths.is_empty() {
        return crate::bundled::case_deck().map(|d| vec![d]).map_err(|e| {
            eprintln!("docket: {e:#}");
            EXIT_FAILURE
        });
    }
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
    let mut decks = Vec::new();
    let mut failed = false;
    let mut err = codespan_reporting::term::termcolor::StandardStream::stderr(
        super::check_cmd::stderr_color(),
    );
    for f in files {
        let mut loaded = read_deck_file(&f);
        let checked = check_loaded(&mut loaded, &CheckOptions::default());
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if !errors.is_empty() {
            let _ = render::render(
                &mut err,
                &loaded.path,
                &loaded.text,
                &errors,
                render::Style::Rich,
            );
        }
        match checked {
            Some(d) => decks.push(d),
            None => failed = true,
        }
    }
    if failed {
        eprintln!("docket: fix the deck errors above (see `docket check`)");
        return Err(EXIT_FAILURE);
    }
    Ok(decks)
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

/// The deck's identity for sync: its id and every card's id and content.
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

/// Syncs a deck into the store.
pub fn sync(
    store: &mut dyn Store,
    deck: &Deck,
    now_ms: i64,
) -> crate::store::StoreResult<SyncReport> {
    let cards: Vec<DeckCard> = deck
        .cards
        .iter()
        .map(|c| DeckCard {
            card_id: c.id.clone(),
            content_hash: c.content_hash(),
        })
        .collect();
    store.sync_deck(
        &deck.meta.id,
        &deck.meta.title,
        &deck_hash(deck),
        &cards,
        now_ms,
    )
}

/// Decks, store and clock, with every deck synced.
pub fn prepare(paths: &[PathBuf]) -> Result<Prepared, u8> {
    let clock = clock()?;
    let decks = load_decks(paths)?;
    let mut store = open_store()?;
    let now = clock.now();
    let mut reports = Vec::new();
    for d in &decks {
        match sync(&mut store, d.deck(), now.ms) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("docket: {e}");
                return Err(EXIT_FAILURE);
            }
        }
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
    deck: &Deck,
    args: &SchedArgs,
) -> Result<SchedulerConfig, String> {
    let mut c = SchedulerConfig {
        desired_retention: deck.meta.desired_retention,
        ..SchedulerConfig::default()
    };
    for scope in ["", deck.meta.id.as_str()] {
        let get = |key: &str| store.setting(scope, key).map_err(|e| e.to_string());
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
    let plain = args.options.plain || !std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut fe: Box<dyn Frontend> = if args.options.json {
        Box::new(frontend::json::Json::new(stdin.lock(), stdout.lock()))
    } else if plain {
        Box::new(frontend::plain::Plain::new(
            stdin.lock(),
            stdout.lock(),
            args.options.rate,
        ))
    } else {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Box::new(frontend::tty::Tty::new(!no_color))
    };
    for (checked, report) in decks.iter().zip(&reports) {
        let deck = checked.deck();
        let config = match config_for(&store, deck, &args.options.sched) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("docket: {e}");
                return Ok(EXIT_USAGE);
            }
        };
        let sched = Scheduler::new(config)?;
        let mut first = Vec::new();
        if !report.changed.is_empty() {
            first.push(View::Notice {
                message: format!(
                    "{} card(s) changed since last time: {}",
                    report.changed.len(),
                    crate::session::clean::clean(&report.changed.join(", "))
                ),
            });
        }
        let (mut session, views) = Session::start(&mut store, deck, sched, seed, clock.now())?;
        first.extend(views);
        if frontend::drive(&mut session, fe.as_mut(), &clock, first)? {
            break;
        }
    }
    Ok(EXIT_OK)
}
