//! Command-line arguments (clap derive). Help text comes from the doc comments.

use std::path::PathBuf;

use clap::Parser;
use clap::Subcommand;

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
    pub study: super::study_cmd::StudyOptions,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check decks: syntax, fields, and every quote against its source.
    Check(CheckArgs),
    /// Import a file (Anki .apkg, CSV/TSV, GIFT, Aiken) as a TOML deck.
    Import(super::import_cmd::ImportArgs),
    /// Export a deck as Anki .apkg, CSV/TSV, GIFT or a Markdown study sheet.
    Export(super::export_cmd::ExportArgs),
    /// Study decks with spaced repetition (FSRS); progress is saved after every answer.
    Study(super::study_cmd::StudyArgs),
    /// List each card's scheduling state.
    Cards(super::cards_cmd::CardsArgs),
    /// Show due counts and recent retention.
    Stats(super::stats_cmd::StatsArgs),
    /// Start one card over (its history is kept).
    Reset(super::reset_cmd::ResetArgs),
    /// Show or change scheduling settings (per user, or per deck with --deck).
    Config(super::config_cmd::ConfigArgs),
    /// Classroom quizzes: make a fixed form, take it, report on the class.
    Quiz(super::quiz_cmd::QuizArgs),
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
