//! What a study session starts with besides its first card: a notice of
//! cards edited since they were last studied.

use crate::session::View;
use crate::store::SyncReport;

/// "3 card(s) changed since last time; each is marked when shown", when a
/// sync found edited cards that had been studied. The ids are not named:
/// they are about to be asked, and an id may give its answer away.
pub fn changed_notice(sync: &SyncReport) -> Option<View> {
    if sync.changed.is_empty() {
        return None;
    }
    Some(View::Notice {
        message: format!(
            "{} card(s) changed since last time; each is marked when shown",
            sync.changed.len(),
        ),
    })
}
