//! Stage 4 of the data flow: the study session, a UI-agnostic state
//! machine. A frontend feeds it [`Event`]s with the current time and draws
//! the [`View`]s it returns; the session asks the queue for cards, the
//! grader for verdicts, the scheduler for next states, and saves every
//! answer through the [`Store`] at once (so quitting or being killed loses
//! nothing already answered). No terminal, no SQL.

pub mod cards;
pub mod event;
pub mod view;

use crate::clock::Now;
use crate::grade;
use crate::grade::Presentation;
use crate::schedule::NextStates;
use crate::schedule::Rating;
use crate::schedule::Scheduler;
use crate::schedule::card_seed;
use crate::schedule::load_balancer::LoadBalancer;
use crate::schedule::queue::Queue;
use crate::schedule::queue::QueueSource;
use crate::store::Answer;
use crate::store::CardRow;
use crate::store::Store;
use crate::store::StoreError;

#[cfg(test)]
mod tests;

pub use cards::CardSource;
pub use cards::OneCard;
pub use event::Event;
pub use view::View;

/// Anki caps the recorded answer time at 60 s.
pub const MAX_ANSWER_MS: i64 = 60_000;

/// What can stop a session.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// FSRS failed.
    #[error(transparent)]
    Scheduler(#[from] crate::schedule::states::SchedulerError),
}

type Result<T> = std::result::Result<T, SessionError>;

#[derive(Debug, Clone)]
struct Current {
    row: CardRow,
    one: OneCard,
    shown: Presentation,
    /// The four outcomes, computed at the first event on the card (as of
    /// when it was shown), so that showing the first card of a session
    /// never waits for the load balancer's counts.
    next: Option<NextStates>,
    shown_at: Now,
    shown_ms: i64,
    /// Responses in a form this card cannot read, so far.
    unreadable: u32,
}

impl Current {
    /// The outcomes; computed before any event is handled.
    fn next(&self) -> Result<&NextStates> {
        self.next.as_ref().ok_or_else(|| {
            SessionError::Scheduler(crate::schedule::states::SchedulerError(
                "the card's outcomes were not computed".into(),
            ))
        })
    }
}

/// Reads the load balancer's counts from the store (every due card of the
/// decks sharing the preset), when the first card's outcomes are needed:
/// reading them at start would cost every start the time of reading every
/// card. None when there is nothing to balance.
pub type DeferredLoad = Box<
    dyn FnOnce(
        &dyn Store,
        &Scheduler,
        Now,
    ) -> std::result::Result<Option<LoadBalancer>, StoreError>,
>;

/// After this many unreadable responses to one card the card counts as not
/// known, so that a script feeding the same line forever (`yes a | docket`)
/// moves on instead of looping on one card.
pub const MAX_UNREADABLE: u32 = 3;

#[derive(Debug, Clone)]
enum Phase {
    Asking(Current),
    Revealed(Current),
    Answered {
        current: Current,
        log_id: i64,
        applied: Rating,
        correct: bool,
    },
    Finished,
}

/// What the session waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Awaiting {
    /// An answer (or reveal) to the card shown.
    Answer,
    /// A rating; `saved` when the proposed one is already stored.
    Rating {
        /// Whether the proposal is already saved.
        saved: bool,
    },
    /// Nothing: the session is over.
    Nothing,
}

/// One action of the session, kept so that undo can take it back.
#[derive(Debug, Clone)]
enum Done {
    /// An answer saved as this review-log row.
    Answer {
        log_id: i64,
        correct: bool,
        again: bool,
    },
    /// The card was suspended (it was not before).
    Suspend { card_id: String },
    /// The card was buried; `before_ms` is what its burial stood at.
    Bury { card_id: String, before_ms: i64 },
    /// The card was started over as this manual log row; it was suspended
    /// before when `was_suspended`.
    Reset {
        log_id: i64,
        card_id: String,
        was_suspended: bool,
    },
}

/// One study session over one deck.
pub struct Session<'a> {
    store: &'a mut dyn Store,
    cards: &'a dyn CardSource,
    queue: Queue,
    sched: Scheduler,
    seed: u64,
    session_id: i64,
    started_ms: i64,
    phase: Phase,
    history: Vec<Done>,
    last_card: Option<String>,
    deferred_load: Option<DeferredLoad>,
}

impl<'a> Session<'a> {
    /// Has the load balancer's counts read when the first card's outcomes
    /// are needed (see [`DeferredLoad`]).
    pub fn defer_load(&mut self, load: DeferredLoad) {
        self.deferred_load = Some(load);
    }

    /// Starts a session and returns it with the first views. The deck must
    /// already be synced into the store.
    pub fn start(
        store: &'a mut dyn Store,
        cards: &'a dyn CardSource,
        sched: Scheduler,
        seed: u64,
        now: Now,
    ) -> Result<(Session<'a>, Vec<View>)> {
        let session_id = store.start_session(&cards.meta().id, now.ms)?;
        let queue = Queue::build(&*store, &cards.meta().id, &sched, now)?;
        let mut s = Session {
            store,
            cards,
            queue,
            sched,
            seed,
            session_id,
            started_ms: now.ms,
            phase: Phase::Finished,
            history: Vec::new(),
            last_card: None,
            deferred_load: None,
        };
        let first = s.advance(now)?;
        Ok((s, vec![first]))
    }

    /// Whether the session has ended.
    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Finished)
    }

    /// What the session waits for.
    pub fn awaiting(&self) -> Awaiting {
        match self.phase {
            Phase::Asking(_) => Awaiting::Answer,
            Phase::Answered { .. } => Awaiting::Rating { saved: true },
            Phase::Revealed(_) => Awaiting::Rating { saved: false },
            Phase::Finished => Awaiting::Nothing,
        }
    }

    fn deck_id(&self) -> &'a str {
        &self.cards.meta().id
    }

    /// Handles one event at `now`. An answer refused as stale (another
    /// session answered the card meanwhile) rebuilds the queue.
    pub fn handle(&mut self, event: Event, now: Now) -> Result<Vec<View>> {
        match self.handle_inner(event, now) {
            Err(SessionError::Store(StoreError::Stale(id))) => {
                self.queue = Queue::build(&*self.store, self.deck_id(), &self.sched, now)?;
                self.last_card = None;
                Ok(vec![
                    View::Notice {
                        message: format!(
                            "`{}` was answered elsewhere meanwhile; not saved",
                            crate::sanitize::clean(&id)
                        ),
                    },
                    self.advance(now)?,
                ])
            }
            other => other,
        }
    }

    fn handle_inner(&mut self, event: Event, now: Now) -> Result<Vec<View>> {
        let needs_outcomes = matches!(event, Event::Answer(_) | Event::Reveal | Event::Rate(_));
        if needs_outcomes
            && let Phase::Asking(c) | Phase::Revealed(c) = &mut self.phase
            && c.next.is_none()
        {
            if let Some(load) = self.deferred_load.take()
                && let Some(balancer) = load(&*self.store, &self.sched, c.shown_at)?
            {
                self.sched.set_load(balancer);
            }
            let cseed = card_seed(&self.cards.meta().id, &c.one.card.id);
            c.next = Some(self.sched.next_states(&c.row.state, c.shown_at, cseed)?);
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (event, phase) {
            // Undo works from the end screen too: the session reopens.
            (Event::Undo, phase) => self.undo(phase, now),
            (_, Phase::Finished) => Ok(vec![View::Finished(self.summary(now)?)]),
            (Event::Quit, phase) => {
                // An answer saved but not yet rated (quit at the rating
                // prompt) has moved its card on: count what is left from
                // the store, not from the queue as it stood.
                if matches!(phase, Phase::Answered { .. }) {
                    self.queue = Queue::build(&*self.store, self.deck_id(), &self.sched, now)?;
                }
                Ok(vec![self.finish(now)?])
            }
            (e @ (Event::Suspend | Event::Bury | Event::Reset), phase) => {
                let Some(current) = self.current_of(&phase).cloned() else {
                    self.phase = phase;
                    return Ok(vec![]);
                };
                let card_id = current.row.card_id.clone();
                // Read the card afresh: an answer at the rating prompt is
                // already saved and has moved its state on.
                let stored = self
                    .store
                    .card(self.deck_id(), &card_id)?
                    .unwrap_or_else(|| current.row.clone());
                // The card id is not named: it may give the answer away,
                // and a suspended or buried card has not been answered.
                let message = match e {
                    Event::Suspend => {
                        self.store.set_suspended(self.deck_id(), &card_id, true)?;
                        self.history.push(Done::Suspend {
                            card_id: card_id.clone(),
                        });
                        "suspended this card (undo brings it back)".to_string()
                    }
                    Event::Bury => {
                        let days = self.sched.days(now);
                        let tomorrow = days.start_of(days.day_of(now.ms) + 1);
                        self.store
                            .set_buried_until(self.deck_id(), &card_id, tomorrow)?;
                        self.history.push(Done::Bury {
                            card_id: card_id.clone(),
                            before_ms: stored.buried_until_ms,
                        });
                        "buried this card until tomorrow (undo brings it back)".to_string()
                    }
                    _ => {
                        let log_id = self.store.record(&reset_answer(
                            self.deck_id(),
                            &stored,
                            now.ms,
                            Some(self.session_id),
                        ))?;
                        if stored.suspended {
                            self.store.set_suspended(self.deck_id(), &card_id, false)?;
                        }
                        self.history.push(Done::Reset {
                            log_id,
                            card_id: card_id.clone(),
                            was_suspended: stored.suspended,
                        });
                        "started this card over as new (undo takes it back)".to_string()
                    }
                };
                self.queue = Queue::build(&*self.store, self.deck_id(), &self.sched, now)?;
                self.queue.remove(&card_id);
                self.last_card = Some(card_id);
                Ok(vec![View::Notice { message }, self.advance(now)?])
            }
            (Event::Answer(text), Phase::Asking(mut current)) => {
                let g = match grade::grade(&current.one.card, &current.shown, &text) {
                    Err(e) if current.unreadable + 1 < MAX_UNREADABLE => {
                        current.unreadable += 1;
                        self.phase = Phase::Asking(current);
                        return Ok(vec![View::Retry {
                            message: crate::sanitize::clean(&e.0),
                        }]);
                    }
                    Err(e) => grade::Grade {
                        correct: false,
                        closeness: 0.0,
                        note: Some(format!(
                            "counted as not known after {MAX_UNREADABLE} unreadable answers ({})",
                            crate::sanitize::clean(&e.0)
                        )),
                    },
                    Ok(g) => g,
                };
                let card = &current.one.card;
                let proposed = if g.correct {
                    Rating::Good
                } else {
                    Rating::Again
                };
                let reason = proposal_reason(&g);
                let log_id = self.record(&current, proposed, now)?;
                let fb = view::feedback_view(
                    &current.one.sources,
                    card,
                    &current.shown,
                    Some((&g, &text)),
                    Some((proposed, reason)),
                    true,
                    current.next()?,
                );
                self.history.push(Done::Answer {
                    log_id,
                    correct: g.correct,
                    again: proposed == Rating::Again,
                });
                let mut views = vec![View::Feedback(fb)];
                let after = current.next()?.get(proposed);
                if after.lapses > current.row.state.lapses
                    && crate::schedule::leech::is_leech(
                        after.lapses,
                        self.sched.config.leech_threshold,
                    )
                {
                    views.push(View::Notice {
                        message: format!(
                            "`{}` is a leech: forgotten {} times; consider rewriting or suspending it",
                            crate::sanitize::clean(&current.row.card_id),
                            after.lapses
                        ),
                    });
                }
                self.phase = Phase::Answered {
                    current,
                    log_id,
                    applied: proposed,
                    correct: g.correct,
                };
                Ok(views)
            }
            (Event::Reveal, Phase::Asking(current)) => {
                let fb = view::feedback_view(
                    &current.one.sources,
                    &current.one.card,
                    &current.shown,
                    None,
                    None,
                    false,
                    current.next()?,
                );
                self.phase = Phase::Revealed(current);
                Ok(vec![View::Feedback(fb)])
            }
            (Event::Rate(_), phase @ Phase::Asking(_)) => {
                self.phase = phase;
                Ok(vec![View::Retry {
                    message: "answer the card first".into(),
                }])
            }
            (Event::Rate(None), phase @ Phase::Revealed(_)) => {
                // Think, reveal, then judge: nothing is rated for the student.
                self.phase = phase;
                Ok(vec![View::Retry {
                    message: "rate how well you knew it: 1 again, 2 hard, 3 good, 4 easy".into(),
                }])
            }
            (Event::Rate(Some(rating)), Phase::Revealed(current)) => {
                let log_id = self.record(&current, rating, now)?;
                self.history.push(Done::Answer {
                    log_id,
                    correct: rating != Rating::Again,
                    again: rating == Rating::Again,
                });
                self.last_card = Some(current.row.card_id.clone());
                let after = current.next()?.get(rating);
                self.queue.answered(current.row, after);
                Ok(vec![self.advance(now)?])
            }
            (
                Event::Rate(r),
                Phase::Answered {
                    current,
                    log_id,
                    applied,
                    correct,
                },
            ) => {
                let mut rating = applied;
                if let Some(r) = r.filter(|&r| r != applied) {
                    // One transaction: the saved answer is never lost, even
                    // if the process dies or another session intervenes.
                    let answer = self.answer(&current, r, now)?;
                    let new_id = match self.store.rerate(log_id, &answer) {
                        Err(StoreError::Stale(id)) => {
                            self.queue =
                                Queue::build(&*self.store, self.deck_id(), &self.sched, now)?;
                            self.last_card = None;
                            return Ok(vec![
                                View::Notice {
                                    message: format!(
                                        "`{}` was answered elsewhere meanwhile; the new rating was not saved, the answer stands as first saved",
                                        crate::sanitize::clean(&id)
                                    ),
                                },
                                self.advance(now)?,
                            ]);
                        }
                        other => other?,
                    };
                    self.history.pop();
                    self.history.push(Done::Answer {
                        log_id: new_id,
                        correct,
                        again: r == Rating::Again,
                    });
                    rating = r;
                }
                self.last_card = Some(current.row.card_id.clone());
                let after = current.next()?.get(rating);
                self.queue.answered(current.row, after);
                Ok(vec![self.advance(now)?])
            }
            (Event::Answer(_) | Event::Reveal, phase) => {
                self.phase = phase;
                Ok(vec![View::Retry {
                    message: "rate the card first (Enter accepts the proposal)".into(),
                }])
            }
        }
    }

    fn current_of<'p>(&self, phase: &'p Phase) -> Option<&'p Current> {
        match phase {
            Phase::Asking(c) | Phase::Revealed(c) => Some(c),
            Phase::Answered { current, .. } => Some(current),
            Phase::Finished => None,
        }
    }

    fn record(&mut self, c: &Current, rating: Rating, now: Now) -> Result<i64> {
        let answer = self.answer(c, rating, now)?;
        let id = self.store.record(&answer)?;
        // The load balancer counts the card on its new day (as Anki does).
        self.sched.note_scheduled(&answer.after);
        Ok(id)
    }

    fn answer(&self, c: &Current, rating: Rating, now: Now) -> Result<Answer> {
        let next = c.next()?;
        let after = next.get(rating);
        let r_after = self.sched.retrievability(&after, now.at(after.due_ms));
        let card = &c.one.card;
        Ok(Answer {
            deck_id: self.deck_id().to_string(),
            card_id: c.row.card_id.clone(),
            ts_ms: now.ms,
            rating: Some(rating),
            kind: next.kind,
            before: next.before,
            after,
            elapsed_days: next.elapsed_days,
            elapsed_secs: next.elapsed_secs,
            r_before: next.retrievability,
            r_after,
            duration_ms: (now.ms - c.shown_ms).clamp(0, MAX_ANSWER_MS),
            content_hash: card.content_hash(),
            session_id: Some(self.session_id),
        })
    }

    fn undo(&mut self, phase: Phase, now: Now) -> Result<Vec<View>> {
        let Some(done) = self.history.pop() else {
            self.phase = phase;
            return Ok(vec![View::Notice {
                message: "nothing to undo in this session".into(),
            }]);
        };
        let deck_id = self.deck_id();
        let undone = match &done {
            Done::Answer { log_id, .. } => self
                .store
                .undo(*log_id)
                .map(|a| (a.card_id, "undid the last answer")),
            Done::Suspend { card_id } => self
                .store
                .set_suspended(deck_id, card_id, false)
                .map(|()| (card_id.clone(), "unsuspended the card")),
            Done::Bury { card_id, before_ms } => self
                .store
                .set_buried_until(deck_id, card_id, *before_ms)
                .map(|()| (card_id.clone(), "unburied the card")),
            Done::Reset {
                log_id,
                card_id,
                was_suspended,
            } => self.store.undo(*log_id).and_then(|_| {
                if *was_suspended {
                    self.store.set_suspended(deck_id, card_id, true)?;
                }
                Ok((card_id.clone(), "undid the reset"))
            }),
        };
        let (card_id, what) = match undone {
            Ok(u) => u,
            Err(e) => {
                self.history.push(done);
                self.phase = phase;
                return Ok(vec![View::Notice {
                    message: format!("cannot undo: {e}"),
                }]);
            }
        };
        self.last_card = None;
        self.queue = Queue::build(&*self.store, self.deck_id(), &self.sched, now)?;
        let Some(row) = self.store.card(self.deck_id(), &card_id)? else {
            return Ok(vec![self.advance(now)?]);
        };
        // The card is shown again to be answered afresh, so it is not
        // named: its id might give the answer away.
        let message = format!("{what}; here is the card again");
        if matches!(
            done,
            Done::Reset {
                was_suspended: true,
                ..
            }
        ) {
            // Suspended again: it cannot be shown.
            return Ok(vec![View::Notice { message }, self.advance(now)?]);
        }
        let shown = match self.cards.card(&*self.store, &row.card_id) {
            Some(one) => self.show(row, one, QueueSource::Learning, now)?,
            None => self.advance(now)?,
        };
        Ok(vec![View::Notice { message }, shown])
    }

    /// Picks the next card and shows it, or finishes.
    fn advance(&mut self, now: Now) -> Result<View> {
        loop {
            let Some((row, source)) = self
                .queue
                .next(now, self.last_card.as_deref())
                .map(|(r, s)| (r.clone(), s))
            else {
                return self.finish(now);
            };
            match self.cards.card(&*self.store, &row.card_id) {
                Some(one) => return self.show(row, one, source, now),
                // Not readable from this deck any more: skip it this session.
                None => self.queue.remove(&row.card_id),
            }
        }
    }

    fn show(&mut self, row: CardRow, one: OneCard, source: QueueSource, now: Now) -> Result<View> {
        let cseed = card_seed(self.deck_id(), &one.card.id);
        let shown = grade::present(&one.card, Some(cseed ^ self.seed ^ row.state.reps as u64));
        let v = view::card_view(
            &one.card,
            &shown,
            row.changed_since_answered(),
            source,
            self.queue.counts_at(now),
        );
        self.phase = Phase::Asking(Current {
            unreadable: 0,
            row,
            one,
            shown,
            next: None,
            shown_at: now,
            shown_ms: now.ms,
        });
        Ok(View::Card(v))
    }

    fn finish(&mut self, now: Now) -> Result<View> {
        self.phase = Phase::Finished;
        let s = self.summary(now)?;
        self.store
            .end_session(self.session_id, now.ms, s.seen, s.correct)?;
        Ok(View::Finished(s))
    }

    /// The session so far.
    pub fn summary(&self, now: Now) -> Result<view::Summary> {
        let next_due_ms = self.store.next_due(self.deck_id())?;
        let answers = || {
            self.history.iter().filter_map(|d| match d {
                Done::Answer { correct, again, .. } => Some((*correct, *again)),
                _ => None,
            })
        };
        Ok(view::Summary {
            seen: answers().count() as u32,
            correct: answers().filter(|a| a.0).count() as u32,
            again: answers().filter(|a| a.1).count() as u32,
            elapsed_ms: (now.ms - self.started_ms).max(0),
            next_due: next_due_ms.map(|ms| now.at(ms).rfc3339()),
            next_due_ms,
            now,
            remaining: self.queue.counts(),
        })
    }
}

/// Why a typed answer gets the rating it is proposed.
fn proposal_reason(g: &grade::Grade) -> String {
    match (g.correct, g.note.as_deref()) {
        (true, Some(note)) => format!("good: right ({})", crate::sanitize::clean(note)),
        (true, None) => "good: the answer is right".to_string(),
        (false, _) => "again: the answer is wrong".to_string(),
    }
}

/// The manual log row that starts a card over: new again, history kept.
pub fn reset_answer(deck_id: &str, row: &CardRow, ts_ms: i64, session_id: Option<i64>) -> Answer {
    Answer::change(
        deck_id,
        row,
        ts_ms,
        crate::schedule::ReviewKind::Manual,
        crate::schedule::CardState::NEW,
        session_id,
    )
}
