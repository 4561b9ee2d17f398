//! Command-line arguments of every command (clap derive). Help text comes
//! from the doc comments. Only the command line sees these types; each
//! command turns them into the application layer's requests.

use std::path::PathBuf;

use clap::Parser;
use clap::Subcommand;
use clap::ValueEnum;

use crate::interop::Format;
use crate::quiz::flags::DEFAULT_MIN_CLASS_SIZE;

/// docket: study TOML flashcard decks with FSRS spaced repetition, and run
/// them as classroom quizzes.
#[derive(Debug, Parser)]
#[command(name = "docket", version, about)]
pub struct Args {
    /// What to do; with none, study the bundled case deck.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Study options for `docket` alone (the bundled deck).
    #[command(flatten)]
    pub study: StudyOptions,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check decks: syntax, fields, and every quote against its source.
    Check(CheckArgs),
    /// Import a file (Anki .apkg, CSV/TSV, GIFT, Aiken) as a TOML deck.
    Import(ImportArgs),
    /// Export a deck as Anki .apkg, CSV/TSV, GIFT or a Markdown study sheet.
    Export(ExportArgs),
    /// Study decks with spaced repetition (FSRS); progress is saved after every answer.
    Study(StudyArgs),
    /// List each card's scheduling state.
    Cards(CardsArgs),
    /// Show statistics: cards by state, today, forecast, calendar, retention (--html for charts).
    Stats(StatsArgs),
    /// Start one card over (its history is kept; a suspension is lifted).
    Reset(ResetArgs),
    /// Set a card's due date (Anki's "set due date"): in N days, a range N-M, or a date.
    Reschedule(RescheduleArgs),
    /// Act on one card: suspend, unsuspend, bury, unbury, reset.
    Card(CardArgs),
    /// Browse a deck's cards: filter, read, suspend, bury, reset.
    Browse(BrowseArgs),
    /// Show or change scheduling settings (per user, or per deck with --deck).
    Config(ConfigArgs),
    /// Classroom quizzes: make a fixed form, take it, report on the class.
    Quiz(QuizArgs),
    /// Optimise the FSRS parameters on your own reviews of a deck (as Anki does).
    Optimize(OptimizeArgs),
    /// Simulate the reviews ahead, and which desired retention to choose.
    Simulate(SimulateArgs),
    /// Write a deck's review log as the FSRS optimiser's CSV.
    ExportLog(ExportLogArgs),
    /// A live class in the browser: serve a quiz to phones on the classroom's network.
    Class(ClassArgs),
    /// Check your progress file in full (as Anki's "check database"), and repair it.
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print docket's manual page (roff), or write one per command with --dir.
    Man(ManArgs),
}

/// Arguments of `docket check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Deck files, or directories searched for `*.toml`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Directory holding the source files the decks cite; sources must then exist.
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
    /// Print diagnostics as JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Treat warnings as errors, and require every source file.
    #[arg(long)]
    pub strict: bool,
    /// One line per diagnostic (file:line:col: message).
    #[arg(long)]
    pub short: bool,
    /// Also warn about badly written cards (see docs/deck-format.md).
    #[arg(long)]
    pub lint: bool,
}

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
    /// Make the cards in this missed-cards file (from `docket quiz report
    /// --missed-dir`) due now before studying.
    #[arg(long, value_name = "FILE")]
    pub missed: Option<PathBuf>,
    /// In line mode, read a rating line after each answer.
    #[arg(long)]
    pub rate: bool,
    /// End the session after this many inputs (answers, ratings, commands).
    /// The default bounds a script that answers forever (`yes a | docket`):
    /// failed cards come back within the learn-ahead window, so such a
    /// session would otherwise never run out of cards.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ANSWER_LIMIT)]
    pub limit: u32,
    /// Also review the cards due within the next N days (Anki's custom
    /// study "review ahead"); such early answers are logged as Anki logs them.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub ahead: Option<u32>,
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

/// Arguments of `docket cards`.
#[derive(Debug, clap::Args)]
pub struct CardsArgs {
    /// Deck file; none lists the bundled case deck.
    pub deck: Option<PathBuf>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Deck file; none shows the bundled case deck.
    pub deck: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write a self-contained HTML page with the charts to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Arguments of `docket reset`.
#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The card id.
    pub card: String,
    /// Deck file; none means the bundled case deck.
    #[arg(long)]
    pub deck: Option<PathBuf>,
}

/// Arguments of `docket reschedule`.
#[derive(Debug, clap::Args)]
pub struct RescheduleArgs {
    /// The card id.
    pub card: String,
    /// When: days from today (0 = today), a range `3-7` to draw from,
    /// either with `!` (as Anki; with FSRS the interval is always set from
    /// the last answer), or a date `YYYY-MM-DD`.
    #[arg(long, value_name = "DAYS|N-M|DATE", allow_hyphen_values = true)]
    pub due: String,
    /// Deck file; none means the bundled case deck.
    #[arg(long)]
    pub deck: Option<PathBuf>,
}

/// What `docket card` does to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CardVerb {
    /// Keep it out of study until unsuspended.
    Suspend,
    /// Let it be studied again.
    Unsuspend,
    /// Keep it out of study until the next study day.
    Bury,
    /// Lift a burial.
    Unbury,
    /// Start it over as new (history kept; suspension and burial lifted).
    Reset,
}

/// Arguments of `docket browse`.
#[derive(Debug, clap::Args)]
pub struct BrowseArgs {
    /// Deck file; none browses the bundled case deck.
    pub deck: Option<PathBuf>,
}

/// Arguments of `docket card`.
#[derive(Debug, clap::Args)]
pub struct CardArgs {
    /// What to do.
    pub verb: CardVerb,
    /// The card id.
    pub card: String,
    /// Deck file; none means the bundled case deck.
    #[arg(long)]
    pub deck: Option<PathBuf>,
}

/// Arguments of `docket config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The setting; none lists them all.
    pub key: Option<String>,
    /// The new value; none shows the current one.
    pub value: Option<String>,
    /// Apply to this deck id only.
    #[arg(long, value_name = "DECK_ID")]
    pub deck: Option<String>,
    /// Remove the setting.
    #[arg(long, conflicts_with = "value")]
    pub unset: bool,
    /// Show or change this preset's settings (see `docket config preset`).
    #[arg(long, value_name = "NAME", conflicts_with = "deck")]
    pub preset: Option<String>,
    /// `docket config preset create NAME --from OTHER`: start as a copy.
    #[arg(long, value_name = "PRESET")]
    pub from: Option<String>,
    /// The preset's name in `docket config preset create|show|assign|delete NAME`.
    #[arg(hide = true)]
    pub name: Option<String>,
    /// With `desired_retention VALUE`: reschedule the review cards of
    /// every deck whose retention changes (Anki's "reschedule cards on
    /// change"; logged as rescheduled).
    #[arg(long, requires = "value")]
    pub reschedule: bool,
}

/// Arguments of `docket import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import: .apkg, .csv, .tsv/.txt, .gift, .aiken.
    pub file: PathBuf,
    /// Where to write the deck (default: the file's name with `.toml`).
    #[arg(short, long, value_name = "DECK.toml")]
    pub output: Option<PathBuf>,
    /// The file's format, when its extension does not say.
    #[arg(long, value_name = "FORMAT")]
    pub from: Option<Format>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Update an existing deck: cards with the same id (for Anki notes, the
    /// note id) are replaced, keeping their evidence; new cards are added.
    #[arg(long)]
    pub update: bool,
    /// Also import an Anki package's review history into your progress, so
    /// that studying the deck continues each card's scheduling.
    #[arg(long)]
    pub history: bool,
    /// With --history: replace progress already kept for those cards.
    #[arg(long, requires = "history")]
    pub replace_history: bool,
    /// With --history: the hour your Anki starts a new day ("Next day
    /// starts at" in its preferences). Deck packages do not record it;
    /// default: the package's value, else 4 as in Anki.
    #[arg(long, requires = "history", value_name = "HOUR",
          value_parser = clap::value_parser!(u32).range(0..24))]
    pub rollover_hour: Option<u32>,
}

/// Arguments of `docket export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The deck file to export, or a quiz key (`quiz.key.json`) to export its form.
    pub deck: PathBuf,
    /// The format to write (default: from the output's extension).
    #[arg(long, value_name = "FORMAT")]
    pub to: Option<Format>,
    /// The file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `docket quiz`.
#[derive(Debug, clap::Args)]
pub struct QuizArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: QuizCommand,
}

/// The quiz subcommands.
#[derive(Debug, Subcommand)]
pub enum QuizCommand {
    /// Make a form (for students) and a key (for the teacher) from a deck.
    Make(MakeArgs),
    /// Render a form for paper, with the key as a separate page if given.
    Print(PrintArgs),
    /// Take a quiz in the terminal and write the result file.
    Take(TakeArgs),
    /// Grade the class's result files with the key and analyse the items.
    Report(ReportArgs),
    /// Change the key after the quiz (accept an answer, remove or restore
    /// an item); kept in the key as a new version, applied by the report.
    Regrade(RegradeArgs),
}

/// Arguments of `docket quiz make`.
#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// The deck file; the bundled case deck when omitted.
    pub deck: Option<PathBuf>,
    /// How many items (default: every matching card).
    #[arg(long, value_name = "N")]
    pub items: Option<usize>,
    /// Only cards with one of these topics (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "TOPIC,...")]
    pub topics: Vec<String>,
    /// Only cards of these kinds (comma-separated: basic, choice, truefalse, number, date, cloze, order).
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub kinds: Vec<String>,
    /// Seed for the item order and option orders: same deck and seed, same
    /// files. Default: a secret one drawn from the OS (recorded in the key).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Time limit in minutes.
    #[arg(long, value_name = "MINUTES")]
    pub time_limit: Option<u32>,
    /// Where to write the form.
    #[arg(short, long, value_name = "FORM")]
    pub output: PathBuf,
    /// Where to write the key (default: beside the form, `NAME.key.json`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
    /// Directory holding the deck's source files (quotes are then proven).
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
    /// Replace the form and key if they exist.
    #[arg(long)]
    pub force: bool,
}

/// Paper format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}

/// Arguments of `docket quiz print`.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// The form file.
    pub form: PathBuf,
    /// The key file: adds the answers as a separate page.
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: PaperArg,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `docket quiz take`.
#[derive(Debug, clap::Args)]
pub struct TakeArgs {
    /// The form file.
    pub form: PathBuf,
    /// The student's name, as the teacher will see it.
    #[arg(long)]
    pub student: String,
    /// The result file to write (an unfinished one is resumed).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Line mode: one line per answer (automatic when stdin is not a terminal).
    #[arg(long, conflicts_with = "json")]
    pub plain: bool,
    /// JSON lines in and out, for programs.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket quiz report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The key file.
    pub key: PathBuf,
    /// Result files, or directories of `*.json` result files.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Write the long CSV (student, item, position, response, correct, score, seconds).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the wide CSV (one row per student, one column per item).
    #[arg(long, value_name = "FILE")]
    pub csv_wide: Option<PathBuf>,
    /// Instead of the report, print its flags as diagnostics on this deck
    /// file (the one the quiz was made from), at each card, as `docket
    /// check` draws them (JSON lines with --json).
    #[arg(long, value_name = "DECK")]
    pub lint: Option<PathBuf>,
    /// Write every student's sheet to hand back (one printable HTML file,
    /// a page per student: answers, right answers, explanations, evidence).
    #[arg(long, value_name = "FILE")]
    pub sheets: Option<PathBuf>,
    /// Write each student's missed cards (`NAME.missed.json`, named after
    /// the result file) for `docket study --missed`.
    #[arg(long, value_name = "DIR")]
    pub missed_dir: Option<PathBuf>,
    /// Write the item statistics table (one row per item, every index).
    #[arg(long, value_name = "FILE")]
    pub csv_items: Option<PathBuf>,
    /// Write the whole-test statistics table (statistic, value).
    #[arg(long, value_name = "FILE")]
    pub csv_test: Option<PathBuf>,
    /// Write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Receipt codes noted at submission (`student,CODE` per line): a file whose receipt differs is rejected.
    #[arg(long, value_name = "FILE")]
    pub receipts: Option<PathBuf>,
    /// Below this many students, indices carry their N and nothing is flagged.
    #[arg(long, default_value_t = DEFAULT_MIN_CLASS_SIZE, value_name = "N")]
    pub min_class_size: usize,
}

impl SchedArgs {
    /// The application layer's form of these flags (the seed aside).
    pub fn overrides(&self) -> crate::app::Overrides {
        crate::app::Overrides {
            no_fuzz: self.no_fuzz,
            new_limit: self.new_limit,
            review_limit: self.review_limit,
            desired_retention: self.desired_retention,
            review_ahead_days: None,
        }
    }
}

/// Arguments of `docket completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `docket man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `docket.1` and a page for each command (`docket-study.1`…)
    /// into this directory instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `docket optimize`.
#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {
    /// Deck file; none means the bundled case deck.
    pub deck: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// When new parameters are saved, also reschedule review cards with
    /// them (Anki's "reschedule cards on change"; logged as rescheduled).
    #[arg(long)]
    pub reschedule: bool,
}

/// Arguments of `docket simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Deck file; none means the bundled case deck.
    pub deck: Option<PathBuf>,
    /// Days to simulate.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
    /// New cards to learn over those days (default: the deck's cards not
    /// yet studied).
    #[arg(long, value_name = "N")]
    pub new_cards: Option<usize>,
    /// Retention to simulate, 0.70–0.99 (default: the deck's setting).
    #[arg(long, value_name = "R")]
    pub desired_retention: Option<f32>,
    /// Also the advice table: workload and knowledge for retentions 0.70–0.97.
    #[arg(long)]
    pub advice: bool,
    /// Seed of the simulated answers.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also write the charts and their data as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket export-log`.
#[derive(Debug, clap::Args)]
pub struct ExportLogArgs {
    /// Deck file; none means the bundled case deck.
    pub deck: Option<PathBuf>,
    /// The CSV file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `docket quiz regrade`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("change").required(true).args(["accept", "remove", "restore"])))]
pub struct RegradeArgs {
    /// The key file (rewritten with the change as its next version).
    pub key: PathBuf,
    /// The form item (`q03`).
    #[arg(long)]
    pub item: String,
    /// Accept this response as right (compared as the grader compares text).
    #[arg(long, value_name = "RESPONSE")]
    pub accept: Option<String>,
    /// Leave the item out of scores and statistics.
    #[arg(long)]
    pub remove: bool,
    /// Count a removed item again.
    #[arg(long)]
    pub restore: bool,
    /// Why (kept with the change).
    #[arg(long)]
    pub why: String,
    /// Who made the change.
    #[arg(long)]
    pub by: Option<String>,
}

/// Arguments of `docket class`.
#[derive(Debug, clap::Args)]
pub struct ClassArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ClassCommand,
}

/// The subcommands of `docket class`.
#[derive(Debug, Subcommand)]
pub enum ClassCommand {
    /// Serve one class: students join from a phone browser with the join code; the teacher's page shows the dashboard and the projector view.
    Serve(ServeArgs),
    /// Write every sitting of a class as result files, for `docket quiz report`.
    Export(ClassExportArgs),
    /// A teacher's classes in a school's database, over every term.
    Classes(ClassListArgs),
    /// The term report of a school's database: each item over every handed-in sitting of the term.
    TermReport(TermReportArgs),
    /// One item's statistics in every class of a school's database that used it.
    Item(ItemStatsArgs),
}

/// A school's PostgreSQL database (`docket class --db`).
#[derive(Debug, Clone, clap::Args)]
pub struct SchoolDbArgs {
    /// Keep the class in a school's PostgreSQL database (postgres://user@host/db, or host=… dbname=…) instead of its own SQLite file.
    #[arg(long, value_name = "URL", env = "DOCKET_DB", hide_env_values = true)]
    pub db: Option<String>,
    /// Connections in the database pool.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub pool_size: usize,
    /// Seconds a request waits for a free pooled connection before failing.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub pool_wait: u64,
    /// Seconds a request keeps retrying while the database is unreachable (restarting, failing over).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub reconnect: u64,
}

/// Which class of a school's database.
#[derive(Debug, Clone, clap::Args)]
pub struct SchoolClassArgs {
    /// The class's teacher (with --db).
    #[arg(long, value_name = "NAME", env = "DOCKET_TEACHER")]
    pub teacher: Option<String>,
    /// The term (with --db).
    #[arg(long, value_name = "NAME", env = "DOCKET_TERM")]
    pub term: Option<String>,
    /// The class's name (with --db; default: the --data directory's name).
    #[arg(long = "class", value_name = "NAME")]
    pub class_name: Option<String>,
}

/// Arguments of `docket class classes`.
#[derive(Debug, clap::Args)]
pub struct ClassListArgs {
    /// The database.
    #[command(flatten)]
    pub db: SchoolDbArgs,
    /// Whose classes.
    #[arg(long, value_name = "NAME", env = "DOCKET_TEACHER")]
    pub teacher: String,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket class term-report`.
#[derive(Debug, clap::Args)]
pub struct TermReportArgs {
    /// The database.
    #[command(flatten)]
    pub db: SchoolDbArgs,
    /// The term.
    #[arg(long, value_name = "NAME", env = "DOCKET_TERM")]
    pub term: String,
    /// Only this teacher's classes (default: the whole school).
    #[arg(long, value_name = "NAME")]
    pub teacher: Option<String>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket class item`.
#[derive(Debug, clap::Args)]
pub struct ItemStatsArgs {
    /// The database.
    #[command(flatten)]
    pub db: SchoolDbArgs,
    /// The deck's id.
    #[arg(long, value_name = "ID")]
    pub deck: String,
    /// The card's id.
    #[arg(long, value_name = "ID")]
    pub card: String,
    /// Only this teacher's classes (default: the whole school).
    #[arg(long, value_name = "NAME")]
    pub teacher: Option<String>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `docket class serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Deck to make the form from (a seed from the system's randomness); the bundled case deck if none and no --form.
    #[arg(conflicts_with_all = ["form", "key"])]
    pub deck: Option<PathBuf>,
    /// A form made by `docket quiz make` (with --key).
    #[arg(long, value_name = "FORM", requires = "key")]
    pub form: Option<PathBuf>,
    /// The form's key.
    #[arg(long, value_name = "KEY", requires = "form")]
    pub key: Option<PathBuf>,
    /// Directory of the deck's sources (quotes are then proven).
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
    /// Items on a form made from the deck (default: every card).
    #[arg(long, value_name = "N")]
    pub items: Option<usize>,
    /// Time limit of a form made from the deck, in minutes.
    #[arg(long, value_name = "MINUTES")]
    pub time_limit: Option<u32>,
    /// Teacher-paced live round: one item at a time on the projector.
    #[arg(long)]
    pub live: bool,
    /// Address to listen on (loopback unless you say otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Listen on the network (same as --bind 0.0.0.0), so phones on it can join.
    #[arg(long, conflicts_with = "bind")]
    pub lan: bool,
    /// Port to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8765)]
    pub port: u16,
    /// The class's directory: its journal, form, key and exported results. Serving again from it carries on the same class.
    #[arg(long, value_name = "DIR", default_value = "docket-class")]
    pub data: PathBuf,
    /// Most students who may join.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_students: usize,
    /// A school's database, and which class in it.
    #[command(flatten)]
    pub school: SchoolDbArgs,
    /// Which class of the school's database.
    #[command(flatten)]
    pub which: SchoolClassArgs,
}

/// Arguments of `docket class export`.
#[derive(Debug, clap::Args)]
pub struct ClassExportArgs {
    /// Directory to write the result files into.
    pub out: PathBuf,
    /// The class's directory (as given to `docket class serve --data`).
    #[arg(long, value_name = "DIR", default_value = "docket-class")]
    pub data: PathBuf,
    /// Also copy the whole class into its own SQLite file in this directory (a class from --db can then be served without the database).
    #[arg(long, value_name = "DIR")]
    pub into_sqlite: Option<PathBuf>,
    /// A school's database, and which class in it.
    #[command(flatten)]
    pub school: SchoolDbArgs,
    /// Which class of the school's database.
    #[command(flatten)]
    pub which: SchoolClassArgs,
}

/// Arguments of `docket doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Copy what can be saved of a damaged store into a new one (the
    /// damaged file is kept beside it under a dated name).
    #[arg(long)]
    pub repair: bool,
}
