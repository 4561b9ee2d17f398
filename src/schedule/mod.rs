//! Stage 3 of the data flow: scheduling. FSRS through the `fsrs` crate,
//! Anki's card states and step rules ([`states`]), fuzz ([`fuzz`]), and
//! the daily queue ([`queue`]). Pure: settings and time come in as values,
//! progress comes through the [`crate::store::Store`] trait.

pub mod calibration;
pub mod config;
pub mod fuzz;
pub mod leech;
pub mod load_balancer;
pub mod optimize;
pub mod queue;
pub mod rating;
pub mod reschedule;
pub mod revlog_csv;
pub mod simulate;
pub mod state;
pub mod states;
pub mod tally;

pub use config::SchedulerConfig;
pub use rating::Rating;
pub use state::CardState;
pub use state::Phase;
pub use states::NextStates;
pub use states::ReviewKind;
pub use states::Scheduler;

/// A stable 64-bit seed for a card (FNV-1a of deck and card id), used for
/// fuzz and option order.
pub fn card_seed(deck_id: &str, card_id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in deck_id.bytes().chain([0]).chain(card_id.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
