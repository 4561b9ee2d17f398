//! Classroom quizzes: one fixed quiz for a whole class, taken offline, with
//! the results handed in as files and analysed the way Moodle's quiz report
//! does.
//!
//! ```text
//! CheckedDeck ─► form (+ key) ─► take (state machine + frontends) ─► result files
//!                      │                                                   │
//!                      └──────────────► collect (verify, grade) ◄──────────┘
//!                                          │
//!                      item_analysis, test_stats, distractors, flags
//!                                          │
//!                               report (text, JSON), csv, html
//! ```
//!
//! The form carries prompts only; the key (kept by the teacher) carries the
//! cards themselves, so the report grades every raw response with
//! [`crate::grade`] and never trusts a score written by a student's machine.

pub mod atomic_file;
pub mod clock;
pub mod collect;
pub mod csv;
pub mod distractors;
pub mod error;
pub mod flags;
pub mod form;
pub mod frontend;
pub mod hashing;
pub mod html;
pub mod input;
pub mod item_analysis;
pub mod key_card;
pub mod names;
pub mod print;
pub mod rasch;
pub mod receipts;
pub mod regrade;
pub mod report;
pub mod result_file;
pub mod selection;
pub mod sheets;
pub mod stats;
pub mod take;
pub mod test_stats;
pub mod text_report;
