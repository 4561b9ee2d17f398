//! docket: a quiz and flashcard engine.
//!
//! Data flows one way, each stage in its own module (the map, with what
//! each part may import, is `docs/architecture.md`):
//!
//! ```text
//! deck files ──► deck (parsed model) ──► check (CheckedDeck) ──► grade
//!                                                 │
//!                                                 ▼
//!                       schedule (FSRS + queue) ──► session ──► app ──► cli, frontend
//!                                   ▲
//!                                 store (progress, behind a trait)
//! ```
//!
//! [`app`] is the application layer every surface builds on: one
//! [`app::Collection`] holds the store and the clock and carries out what
//! a person asks for, in domain types and typed errors. Beside the study
//! path: [`quiz`] runs a checked deck as one fixed quiz for a class (make,
//! take, report), and [`interop`] converts decks and review histories to
//! and from Anki, CSV/TSV, GIFT, Aiken and Markdown. [`sanitize`] makes
//! untrusted text safe to print, [`clock`] is the one source of "now",
//! and [`bundled`] is the case deck compiled into the binary.
//!
//! [`run`] is the whole program; `main` only calls it.

#![warn(missing_docs)]

pub mod app;
pub mod bundled;
pub mod chart;
pub mod check;
pub mod cli;
pub mod clock;
pub mod deck;
pub mod diagnostic;
pub mod frontend;
pub mod grade;
pub mod interop;
pub mod quiz;
pub mod sanitize;
pub mod schedule;
pub mod session;
pub mod store;
pub mod web;

pub use cli::run;
