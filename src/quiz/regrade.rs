//! Regrading after the fact: the teacher accepts a typed answer the key
//! rejected, or removes an item (and may restore it). Each change is kept
//! in the key as a numbered version with who, when and why; the report
//! applies them all to every sitting. The result files never change.

use serde::Deserialize;
use serde::Serialize;

use super::collect::Collected;
use super::form::Key;
use crate::grade::text::normalize;

/// One change to the key, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regrade {
    /// 1, 2, 3…: the key's version after this change.
    pub version: u32,
    /// When (RFC 3339).
    pub at: String,
    /// Who made it, if given.
    pub by: Option<String>,
    /// Why, in the teacher's words.
    pub why: String,
    /// What changed.
    pub change: Change,
}

/// What a regrade changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A response (compared as the grader normalises text: case, spacing
    /// and punctuation aside) now counts as right on this item.
    Accept {
        /// Form item id.
        item: String,
        /// The response accepted.
        response: String,
    },
    /// The item no longer counts: it is left out of scores and statistics.
    Remove {
        /// Form item id.
        item: String,
    },
    /// A removed item counts again.
    Restore {
        /// Form item id.
        item: String,
    },
}

impl Change {
    /// The item it concerns.
    pub fn item(&self) -> &str {
        match self {
            Change::Accept { item, .. } | Change::Remove { item } | Change::Restore { item } => {
                item
            }
        }
    }
}

/// Adds a change to the key as its next version. Refused for an item the
/// key does not have, or an empty reason.
pub fn record(
    key: &mut Key,
    change: Change,
    why: &str,
    by: Option<&str>,
    at: String,
) -> Result<u32, String> {
    if !key.items.iter().any(|i| i.id == change.item()) {
        let ids: Vec<&str> = key.items.iter().map(|i| i.id.as_str()).collect();
        return Err(format!(
            "the key has no item `{}` (items: {})",
            crate::sanitize::one_line(change.item()),
            ids.join(", ")
        ));
    }
    if why.trim().is_empty() {
        return Err("say why (--why): the reason is kept with the change".into());
    }
    if let Change::Accept { response, .. } = &change
        && normalize(response).is_empty()
    {
        return Err("the accepted response is empty".into());
    }
    let version = key.regrades.last().map_or(0, |r| r.version) + 1;
    key.regrades.push(Regrade {
        version,
        at,
        by: by.map(|b| b.trim().to_string()).filter(|b| !b.is_empty()),
        why: why.trim().to_string(),
        change,
    });
    Ok(version)
}

/// Applies the key's regrades to the graded attempts: accepted responses
/// become right (with a note naming the version), removed items are taken
/// out of the key and of every attempt. Returns the key to report with.
pub fn apply(key: &Key, collected: &mut Collected) -> Key {
    let mut removed: Vec<String> = Vec::new();
    for r in &key.regrades {
        match &r.change {
            Change::Remove { item } if !removed.contains(item) => removed.push(item.clone()),
            Change::Restore { item } => removed.retain(|i| i != item),
            _ => {}
        }
    }
    for r in &key.regrades {
        let Change::Accept { item, response } = &r.change else {
            continue;
        };
        let Some(i) = key.items.iter().position(|k| &k.id == item) else {
            continue;
        };
        let wanted = normalize(response);
        for a in &mut collected.attempts {
            let resp = &mut a.responses[i];
            if !resp.correct && resp.text.as_deref().is_some_and(|t| normalize(t) == wanted) {
                resp.correct = true;
                resp.note = Some(format!("accepted on regrade (key version {})", r.version));
            }
        }
    }
    let keep: Vec<bool> = key.items.iter().map(|i| !removed.contains(&i.id)).collect();
    for a in &mut collected.attempts {
        let mut k = keep.iter();
        a.responses.retain(|_| *k.next().unwrap_or(&true));
    }
    let mut effective = key.clone();
    let mut k = keep.iter();
    effective.items.retain(|_| *k.next().unwrap_or(&true));
    effective
}
