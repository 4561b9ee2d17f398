//! Taking a quiz, as a state machine with no I/O: frontends feed it
//! [`Input`]s with the time they arrived and draw the [`Step`] it returns;
//! after every step the caller saves [`Take::record`] (atomically), so a
//! crash loses at most the item being looked at.
//!
//! No feedback is ever given. Answers can be revisited and changed until
//! the quiz is submitted. Time is charged to an item when the student
//! leaves it.

use chrono::DateTime;
use chrono::Duration;
use chrono::Utc;

use super::error::ResumeError;
use super::form::Form;
use super::form::FormItem;
use super::input::Input;
use super::input::check_response;
use super::result_file::ResultFile;

/// What the frontend should draw next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Show the item at this (0-based) position.
    Item(usize),
    /// The input was not accepted; say why and stay on the item.
    Invalid(String),
    /// Show every item with its answer (at the end, or on `:review`).
    Review,
    /// Show the help text.
    Help,
    /// The quiz was handed in.
    Submitted {
        /// The receipt code.
        receipt: String,
        /// Whether the time limit forced it.
        time_up: bool,
    },
    /// The student stopped; the attempt can be resumed.
    Paused,
}

/// One attempt in progress.
#[derive(Debug, Clone)]
pub struct Take<'f> {
    form: &'f Form,
    record: ResultFile,
    answers: Vec<Option<String>>,
    /// `None` while reviewing.
    current: Option<usize>,
    arrived: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
}

impl<'f> Take<'f> {
    /// Starts a new attempt.
    pub fn start(form: &'f Form, student: &str, now: DateTime<Utc>) -> Self {
        // Stored cleaned of escapes and invisible characters.
        let student = super::names::display(student);
        let record = ResultFile::new(&form.fingerprint, &student, now);
        Self::from_record(form, record, now)
    }

    /// Resumes an unfinished attempt from its file: checks that it belongs
    /// to this form and student and that its chain holds, then replays it.
    pub fn resume(
        form: &'f Form,
        record: ResultFile,
        student: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, ResumeError> {
        record.verify()?;
        if record.form != form.fingerprint {
            return Err(ResumeError::OtherForm);
        }
        if super::names::key(&record.student) != super::names::key(student) {
            return Err(ResumeError::OtherStudent {
                owner: crate::sanitize::one_line(&record.student),
                student: crate::sanitize::one_line(student),
            });
        }
        if let Some(s) = &record.submitted {
            return Err(ResumeError::Submitted(s.receipt.clone()));
        }
        let ids: Vec<String> = form.items.iter().map(|i| i.id.clone()).collect();
        record.answers(&ids).map_err(ResumeError::UnknownItems)?;
        Ok(Self::from_record(form, record, now))
    }

    fn from_record(form: &'f Form, record: ResultFile, now: DateTime<Utc>) -> Self {
        let ids: Vec<String> = form.items.iter().map(|i| i.id.clone()).collect();
        let answers: Vec<Option<String>> = record
            .answers(&ids)
            .unwrap_or_default()
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        let answers = if answers.len() == ids.len() {
            answers
        } else {
            vec![None; ids.len()]
        };
        let started = super::clock::parse_instant(&record.started).unwrap_or(now);
        // A start time at the end of the calendar has no deadline to add.
        let deadline = form
            .time_limit_minutes
            .and_then(|m| started.checked_add_signed(Duration::minutes(i64::from(m))));
        // Open where the student stopped; else at the first open item.
        let current = record
            .position
            .as_ref()
            .and_then(|id| form.position(id))
            .or_else(|| answers.iter().position(Option::is_none));
        let mut record = record;
        record.position = current.map(|i| form.items[i].id.clone());
        Take {
            form,
            record,
            answers,
            current,
            arrived: now,
            deadline,
        }
    }

    /// The form being taken.
    pub fn form(&self) -> &'f Form {
        self.form
    }

    /// The record to save.
    pub fn record(&self) -> &ResultFile {
        &self.record
    }

    /// The answers so far, per item.
    pub fn answers(&self) -> &[Option<String>] {
        &self.answers
    }

    /// The item being shown, if any.
    pub fn current(&self) -> Option<(usize, &'f FormItem)> {
        self.current.map(|i| (i, &self.form.items[i]))
    }

    /// What to draw first.
    pub fn first_step(&self) -> Step {
        match self.current {
            Some(i) => Step::Item(i),
            None => Step::Review,
        }
    }

    /// Positions of the unanswered items.
    pub fn unanswered(&self) -> Vec<usize> {
        (0..self.answers.len())
            .filter(|&i| self.answers[i].is_none())
            .collect()
    }

    /// Minutes left at `now`, rounded up (59 s left is "1 min", not "0
    /// min"), if there is a time limit.
    pub fn minutes_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.deadline
            .map(|d| ((d - now).num_seconds().max(0) + 59) / 60)
    }

    /// Whole minutes left when the student reached the current screen.
    pub fn minutes_left_on_arrival(&self) -> Option<i64> {
        self.minutes_left(self.arrived)
    }

    /// Charges the time on the current item to it and records its answer.
    fn leave(&mut self, now: DateTime<Utc>) {
        if let Some(i) = self.current {
            let seconds = (now - self.arrived).num_seconds().max(0) as u64;
            let item = &self.form.items[i].id;
            self.record
                .push(item, self.answers[i].as_deref(), seconds, now);
        }
        self.arrived = now;
    }

    fn go(&mut self, to: Option<usize>, now: DateTime<Utc>) -> Step {
        self.leave(now);
        self.current = to;
        self.record.position = to.map(|i| self.form.items[i].id.clone());
        match to {
            Some(i) => Step::Item(i),
            None => Step::Review,
        }
    }

    /// Applies one input that arrived at `now`.
    pub fn apply(&mut self, input: Input, now: DateTime<Utc>) -> Step {
        // Time never runs backwards within a sitting, whatever the clock or
        // a scripted input says, so no item is charged a negative or huge time.
        let now = now.max(self.arrived);
        if self.record.submitted.is_some() {
            return Step::Invalid("the quiz has been submitted".into());
        }
        if let Some(deadline) = self.deadline
            && now >= deadline
        {
            self.leave(deadline.min(now));
            let receipt = self.record.submit(now, true);
            return Step::Submitted {
                receipt,
                time_up: true,
            };
        }
        let last = self.form.items.len() - 1;
        let after = |i: usize| if i < last { Some(i + 1) } else { None };
        match input {
            Input::Answer(text) => {
                let Some(i) = self.current else {
                    return Step::Invalid("pick an item first with :goto N".into());
                };
                // An empty answer clears the item (it is unanswered again).
                if text.trim().is_empty() {
                    self.answers[i] = None;
                    return self.go(after(i), now);
                }
                if text.len() > super::collect::MAX_RESPONSE_BYTES {
                    return Step::Invalid("that answer is too long".into());
                }
                if let Err(e) = check_response(&self.form.items[i], &text) {
                    return Step::Invalid(e);
                }
                self.answers[i] = Some(text.trim().to_string());
                self.go(after(i), now)
            }
            Input::Next => match self.current {
                Some(i) => self.go(after(i), now),
                None => Step::Review,
            },
            Input::Back => match self.current {
                Some(0) => Step::Item(0),
                Some(i) => self.go(Some(i - 1), now),
                None => self.go(Some(last), now),
            },
            Input::Goto(n) if n >= 1 && n <= self.form.items.len() => self.go(Some(n - 1), now),
            Input::Goto(n) => Step::Invalid(format!(
                "there is no item {n}: items are numbered 1–{}",
                self.form.items.len()
            )),
            Input::Review => self.go(None, now),
            Input::Help => Step::Help,
            // From an item, `:submit` first shows the review list (every
            // answer, and the unanswered items): the student confirms by
            // submitting from there.
            Input::Submit if self.current.is_some() => self.go(None, now),
            Input::Submit | Input::HandIn => {
                self.leave(now);
                self.current = None;
                self.record.position = None;
                let receipt = self.record.submit(now, false);
                Step::Submitted {
                    receipt,
                    time_up: false,
                }
            }
            Input::Quit => {
                self.leave(now);
                Step::Paused
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::form::FORM_FORMAT;

    fn item(id: &str, kind: &str, options: &[&str]) -> FormItem {
        FormItem {
            id: id.into(),
            kind: kind.into(),
            prompt: format!("prompt {id}"),
            options: options.iter().map(|s| s.to_string()).collect(),
            multiple: false,
            gaps: 0,
            unit: None,
        }
    }

    fn form() -> Form {
        let mut f = Form {
            format: FORM_FORMAT.into(),
            title: "t".into(),
            deck_id: "d".into(),
            time_limit_minutes: Some(10),
            items: vec![
                item("q1", "choice", &["x", "y", "z"]),
                item("q2", "basic", &[]),
                item("q3", "truefalse", &[]),
            ],
            fingerprint: String::new(),
        };
        f.fingerprint = f.compute_fingerprint();
        f
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn answers_can_be_changed_and_time_is_charged_per_visit() {
        let f = form();
        let mut t = Take::start(&f, "ana", at(0));
        assert_eq!(
            t.apply(Input::Answer("d".into()), at(5)),
            Step::Invalid("`d` is not an option: answer with letters a–c".into())
        );
        assert_eq!(t.apply(Input::Answer("b".into()), at(10)), Step::Item(1));
        assert_eq!(t.apply(Input::Back, at(12)), Step::Item(0));
        assert_eq!(t.apply(Input::Answer("c".into()), at(15)), Step::Item(1));
        assert_eq!(t.apply(Input::Goto(3), at(20)), Step::Item(2));
        assert_eq!(t.apply(Input::Answer("t".into()), at(30)), Step::Review);
        assert_eq!(t.unanswered(), vec![1]);
        let Step::Submitted { receipt, time_up } = t.apply(Input::Submit, at(31)) else {
            panic!()
        };
        assert!(!time_up);
        let r = t.record();
        assert_eq!(r.submitted.as_ref().unwrap().receipt, receipt);
        let ids: Vec<String> = f.items.iter().map(|i| i.id.clone()).collect();
        let a = r.answers(&ids).unwrap();
        assert_eq!(a[0], (Some("c".into()), 13));
        assert_eq!(a[1], (None, 7));
        assert_eq!(a[2], (Some("t".into()), 10));
    }

    #[test]
    fn resuming_replays_the_answers_and_the_limit_submits() {
        let f = form();
        let mut t = Take::start(&f, "ana", at(0));
        t.apply(Input::Answer("a".into()), at(10));
        assert_eq!(t.apply(Input::Quit, at(20)), Step::Paused);
        let saved = t.record().clone();
        let mut again = Take::resume(&f, saved.clone(), "ana", at(100)).unwrap();
        assert_eq!(again.first_step(), Step::Item(1));
        // Skipping ahead and stopping there reopens there, not at the gap.
        let mut jumped = Take::resume(&f, saved.clone(), "ana", at(100)).unwrap();
        jumped.apply(Input::Goto(3), at(101));
        jumped.apply(Input::Quit, at(102));
        let reopened = Take::resume(&f, jumped.record().clone(), "ana", at(103)).unwrap();
        assert_eq!(reopened.first_step(), Step::Item(2));
        assert!(Take::resume(&f, saved, "bo", at(100)).is_err());
        let step = again.apply(Input::Answer("late".into()), at(601));
        assert!(matches!(step, Step::Submitted { time_up: true, .. }));
        assert_eq!(again.answers()[1], None);
    }

    proptest::proptest! {
        /// Whatever the student does, the saved record verifies, replays to
        /// the answers on screen, and never charges more time than passed.
        #[test]
        fn any_session_replays_from_its_record(
            steps in proptest::collection::vec((0u8..8, 0usize..5, 0i64..100), 0..40)
        ) {
            let f = form();
            let mut t = Take::start(&f, "ana", at(0));
            let mut clock = 0;
            for (what, n, dt) in steps {
                clock += dt;
                let input = match what {
                    0 => Input::Answer(["a", "c", "zz", "t", "Paris"][n].to_string()),
                    1 => Input::Next,
                    2 => Input::Back,
                    3 => Input::Goto(n),
                    4 => Input::Review,
                    5 => Input::Help,
                    6 => Input::Answer(String::new()),
                    _ => Input::Answer("f".into()),
                };
                if matches!(t.apply(input, at(clock)), Step::Submitted { .. }) {
                    break;
                }
            }
            if t.record().submitted.is_none() {
                t.apply(Input::Submit, at(clock.min(599)));
            }
            let r = t.record();
            proptest::prop_assert!(r.verify().is_ok());
            let ids: Vec<String> = f.items.iter().map(|i| i.id.clone()).collect();
            let replayed = r.answers(&ids).unwrap();
            let answers: Vec<Option<String>> = replayed.iter().map(|(a, _)| a.clone()).collect();
            proptest::prop_assert_eq!(&answers[..], t.answers());
            let charged: u64 = replayed.iter().map(|(_, s)| s).sum();
            proptest::prop_assert!(charged as i64 <= clock.max(0));
        }
    }
}
