//! Named crash points for the crash tests: with `DOCKET_FAILPOINT=NAME:N`
//! in the environment, the N-th time the store passes the point `NAME`
//! the process aborts on the spot (no unwinding, no destructors, no
//! flushing), as a `kill -9` landing exactly there would. Unset (always,
//! outside tests) each point costs one check of a cached value.
//!
//! Points are `OP:before-commit` (the transaction's writes are done, not
//! yet committed) and `OP:after-commit` (committed, not yet returned to
//! the caller, so not yet acknowledged), for `OP` in `record`, `rerate`,
//! `undo`, `suspend`, `bury`, `sync`, `session`; and `rerate:between`
//! (the old answer undone, the new one not yet written).

use std::sync::Mutex;
use std::sync::OnceLock;

/// The environment variable naming the crash point.
pub const FAILPOINT_ENV: &str = "DOCKET_FAILPOINT";

struct Armed {
    name: String,
    remaining: u32,
}

fn armed() -> &'static Option<Mutex<Armed>> {
    static ARMED: OnceLock<Option<Mutex<Armed>>> = OnceLock::new();
    ARMED.get_or_init(|| {
        let spec = std::env::var(FAILPOINT_ENV).ok()?;
        let (name, n) = spec.rsplit_once(':')?;
        let n: u32 = n.parse().ok()?;
        Some(Mutex::new(Armed {
            name: name.to_string(),
            remaining: n.max(1),
        }))
    })
}

/// Passes the point `op:stage`; aborts the process if it is armed and due.
pub fn hit(op: &str, stage: &str) {
    let Some(m) = armed() else { return };
    let Ok(mut a) = m.lock() else { return };
    let matches = a
        .name
        .split_once(':')
        .is_some_and(|(o, s)| o == op && s == stage);
    if matches {
        a.remaining -= 1;
        if a.remaining == 0 {
            std::process::abort();
        }
    }
}
