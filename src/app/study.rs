//! What a study session starts with besides its first card: a notice of
//! cards edited since they were last studied.

use crate::session::View;
use crate::store::SyncReport;

/// How many changed card ids a notice names before "and N more".
const NOTICE_IDS: usize = 10;

/// "3 card(s) changed since last time: a, b, c", when a sync found edited
/// cards that had been studied.
pub fn changed_notice(sync: &SyncReport) -> Option<View> {
    if sync.changed.is_empty() {
        return None;
    }
    let shown: Vec<&str> = sync
        .changed
        .iter()
        .take(NOTICE_IDS)
        .map(String::as_str)
        .collect();
    let more = sync.changed.len() - shown.len();
    Some(View::Notice {
        message: format!(
            "{} card(s) changed since last time: {}{}",
            sync.changed.len(),
            crate::sanitize::clean(&shown.join(", ")),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    })
}
