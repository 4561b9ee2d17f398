//! A class in memory: the roster, each student's sitting (a
//! [`Take`] driven with the server's clock, exactly as `quiz take` drives
//! it), the live round's phase, and the snapshots surfaces draw. No I/O:
//! [`super::Classroom`] journals every change this returns.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::DateTime;
use chrono::Utc;

use crate::deck::model::Card;
use crate::grade::Presentation;
use crate::grade::chosen_positions;
use crate::grade::expected_answer;
use crate::grade::grade;
use crate::quiz::collect::graded_items;
use crate::quiz::form::Form;
use crate::quiz::form::FormItem;
use crate::quiz::form::Key;
use crate::quiz::input::Input;
use crate::quiz::report::ResponseCount;
use crate::quiz::report::response_counts;
use crate::quiz::result_file::ResultFile;
use crate::quiz::take::Step;
use crate::quiz::take::Take;

use super::ClassError;

/// How the class is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each student takes the whole form at their own pace.
    SelfPaced,
    /// The teacher shows one item at a time to everyone.
    Live,
}

impl Mode {
    /// The name the journal keeps.
    pub fn name(self) -> &'static str {
        match self {
            Mode::SelfPaced => "self-paced",
            Mode::Live => "live",
        }
    }

    /// The mode a journal name stands for.
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "self-paced" => Some(Mode::SelfPaced),
            "live" => Some(Mode::Live),
            _ => None,
        }
    }
}

/// Where a live round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not started: students are joining.
    Lobby,
    /// Item `i` (0-based) is open for answers.
    Open(usize),
    /// Item `i` is closed: its results are shown.
    Closed(usize),
    /// The round is over; every sitting is handed in.
    Finished,
}

impl Phase {
    /// The journal's spelling.
    pub fn encode(self) -> String {
        match self {
            Phase::Lobby => "lobby".into(),
            Phase::Open(i) => format!("open {i}"),
            Phase::Closed(i) => format!("closed {i}"),
            Phase::Finished => "finished".into(),
        }
    }

    /// Reads the journal's spelling.
    pub fn decode(text: &str) -> Option<Phase> {
        let mut w = text.split_whitespace();
        match (w.next()?, w.next().map(str::parse::<usize>)) {
            ("lobby", None) => Some(Phase::Lobby),
            ("finished", None) => Some(Phase::Finished),
            ("open", Some(Ok(i))) => Some(Phase::Open(i)),
            ("closed", Some(Ok(i))) => Some(Phase::Closed(i)),
            _ => None,
        }
    }
}

/// Where a self-paced student goes after the item on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// The next item (the review after the last).
    Next,
    /// The previous item.
    Back,
    /// The review list (the confirmation before submitting).
    Review,
    /// Item `i` (0-based).
    Goto(usize),
    /// Stay on the item.
    Stay,
}

/// One student.
pub struct Student {
    /// Join order, from 1.
    pub id: u32,
    /// The name given (trimmed; escaped wherever it is shown).
    pub name: String,
    pub(super) token: String,
    sitting: Sitting,
    /// Each standing answer graded (`None`: unanswered). For the teacher only.
    pub marks: Vec<Option<bool>>,
    /// The answers `marks` were graded from.
    graded: Vec<Option<String>>,
}

/// A sitting in progress, or one handed in (restored from the journal).
enum Sitting {
    Taking(Take<'static>),
    Done {
        record: ResultFile,
        answers: Vec<Option<String>>,
    },
}

impl Student {
    /// The receipt, once handed in.
    pub fn receipt(&self) -> Option<&str> {
        self.record().submitted.as_ref().map(|s| s.receipt.as_str())
    }

    /// The standing answers.
    pub fn answers(&self) -> &[Option<String>] {
        match &self.sitting {
            Sitting::Taking(t) => t.answers(),
            Sitting::Done { answers, .. } => answers,
        }
    }

    /// The item on screen (`None`: the review list or handed in).
    pub fn current(&self) -> Option<usize> {
        match &self.sitting {
            Sitting::Taking(t) if t.record().submitted.is_none() => t.current().map(|(i, _)| i),
            _ => None,
        }
    }

    /// The record to keep.
    pub fn record(&self) -> &ResultFile {
        match &self.sitting {
            Sitting::Taking(t) => t.record(),
            Sitting::Done { record, .. } => record,
        }
    }

    /// The sitting, while it takes input.
    fn taking(&mut self) -> Result<&mut Take<'static>, ClassError> {
        let open = matches!(&self.sitting, Sitting::Taking(t) if t.record().submitted.is_none());
        let receipt = self.receipt().unwrap_or_default().to_string();
        match &mut self.sitting {
            Sitting::Taking(t) if open => Ok(t),
            _ => Err(ClassError::Submitted(receipt)),
        }
    }

    /// How many items have an answer.
    pub fn answered(&self) -> usize {
        self.answers().iter().filter(|a| a.is_some()).count()
    }

    /// Right answers so far.
    pub fn score(&self) -> usize {
        self.marks.iter().filter(|m| **m == Some(true)).count()
    }

    /// Positions of the unanswered items.
    pub fn unanswered(&self) -> Vec<usize> {
        (0..self.answers().len())
            .filter(|&i| self.answers()[i].is_none())
            .collect()
    }

    /// Minutes left, if the form has a limit and the sitting is open.
    pub fn minutes_left(&self, now: DateTime<Utc>) -> Option<i64> {
        match &self.sitting {
            Sitting::Taking(t) if t.record().submitted.is_none() => t.minutes_left(now),
            _ => None,
        }
    }
}

/// Points for a right answer in a live round with the speed bonus on.
pub const POINTS_RIGHT: usize = 10;

/// Most a fast right answer adds to [`POINTS_RIGHT`]: half of it, so a
/// right answer always outweighs any speed.
pub const SPEED_BONUS_MAX: usize = 5;

/// The bonus drops by one point every this many seconds taken.
pub const SPEED_STEP_SECONDS: i64 = 6;

impl Student {
    /// Seconds from the item reaching the student (its opening, or their
    /// joining mid-item) to their standing answer, read from the record:
    /// the visits that left an answer on the item, from the start of the
    /// first to the end of the last. Changing an answer late costs the
    /// time of the change, so a quick guess then a correction is not fast.
    pub fn answer_seconds(&self, item_id: &str) -> Option<i64> {
        let mut first: Option<DateTime<Utc>> = None;
        let mut last: Option<DateTime<Utc>> = None;
        for e in &self.record().events {
            if e.item != item_id || e.response.is_none() {
                continue;
            }
            let Ok(at) = crate::quiz::clock::parse_instant(&e.at) else {
                continue;
            };
            let seconds = i64::try_from(e.seconds).unwrap_or(i64::MAX);
            let start = at
                .checked_sub_signed(chrono::Duration::seconds(seconds))
                .unwrap_or(at);
            first = Some(first.map_or(start, |f| f.min(start)));
            last = Some(last.map_or(at, |l| l.max(at)));
        }
        Some((last? - first?).num_seconds().max(0))
    }
}

/// One line of the live round's standings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// Join order.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Right answers.
    pub right: usize,
    /// Points, when the speed bonus is on.
    pub points: Option<usize>,
}

/// Bounds on joining.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Students per class.
    pub max_students: usize,
    /// Wrong join codes one address may try.
    pub wrong_codes_per_address: u32,
    /// Wrong join codes from everyone together, before joining stops.
    pub wrong_codes_total: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_students: 500,
            wrong_codes_per_address: 10,
            wrong_codes_total: 500,
        }
    }
}

/// The whole class.
pub struct Class {
    /// The form everyone takes (kept for the server's lifetime).
    pub form: &'static Form,
    /// The key: never sent to a student.
    pub key: Key,
    graded: Vec<(Card, Presentation)>,
    /// Self-paced or live.
    pub mode: Mode,
    /// The live round's phase (`Lobby` throughout a self-paced class).
    pub phase: Phase,
    /// Whether names are hidden on the projector.
    pub names_hidden: bool,
    /// Whether new students may join.
    pub joining: bool,
    /// Whether the live round shows points with a speed bonus (off unless
    /// the teacher turns it on; never in the result files or the report).
    pub speed_bonus: bool,
    /// Bounds.
    pub limits: Limits,
    /// Everyone who joined, in join order.
    pub students: Vec<Student>,
    by_token: HashMap<String, usize>,
    /// The teacher's secret.
    pub teacher_token: String,
    /// The code students type to join.
    pub join_code: String,
    wrong: HashMap<Option<IpAddr>, u32>,
    wrong_total: u32,
}

/// What the teacher's dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// One row per student.
    pub rows: Vec<Row>,
    /// One row per item.
    pub items: Vec<ItemRow>,
    /// Items answered by at least two, right less than half the time,
    /// hardest first (0-based).
    pub talk_about: Vec<usize>,
    /// How many handed in.
    pub submitted: usize,
}

/// A student on the dashboard.
#[derive(Debug, Clone)]
pub struct Row {
    /// Join order.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Items answered.
    pub answered: usize,
    /// Right so far.
    pub score: usize,
    /// Item on screen.
    pub current: Option<usize>,
    /// Receipt, once handed in.
    pub receipt: Option<String>,
    /// The code that lets the student back in from another phone.
    pub rejoin: String,
}

/// An item on the dashboard.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// Students with an answer standing.
    pub answered: usize,
    /// Of them, right.
    pub correct: usize,
}

impl ItemRow {
    /// Share right among those who answered.
    pub fn facility(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.correct as f64 / self.answered as f64)
    }
}

/// An item's results, shown once the teacher closes it.
#[derive(Debug, Clone)]
pub struct Reveal {
    /// Choice items: each shown option, how many chose it, whether right.
    pub options: Vec<OptionCount>,
    /// Other kinds: the answers given, grouped.
    pub typed: Vec<ResponseCount>,
    /// Students who answered.
    pub answered: usize,
    /// Of them, right.
    pub correct: usize,
    /// The right answer written out.
    pub answer: String,
    /// The card's explanation.
    pub explanation: Option<String>,
    /// Quotes and their sources.
    pub evidence: Vec<(Option<String>, String)>,
}

/// One option's count.
#[derive(Debug, Clone)]
pub struct OptionCount {
    /// `a`, `b`…
    pub label: char,
    /// The option's text.
    pub text: String,
    /// Students who chose it.
    pub count: usize,
    /// Whether it is a right option.
    pub right: bool,
}

fn grade_one(graded: &(Card, Presentation), answer: Option<&str>) -> Option<bool> {
    answer.map(|a| grade(&graded.0, &graded.1, a).is_ok_and(|g| g.correct))
}

impl Class {
    /// A class with nobody in it yet. The form is kept for the life of the
    /// process (a server runs one class), so sittings can borrow it.
    pub fn new(
        form: Form,
        key: Key,
        mode: Mode,
        teacher_token: String,
        join_code: String,
        limits: Limits,
    ) -> Class {
        let form: &'static Form = Box::leak(Box::new(form));
        let graded = graded_items(&key);
        Class {
            form,
            key,
            graded,
            mode,
            phase: Phase::Lobby,
            names_hidden: false,
            joining: true,
            speed_bonus: false,
            limits,
            students: Vec::new(),
            by_token: HashMap::new(),
            teacher_token,
            join_code,
            wrong: HashMap::new(),
            wrong_total: 0,
        }
    }

    /// Items on the form.
    pub fn items(&self) -> usize {
        self.form.items.len()
    }

    /// Item `i` as students see it.
    pub fn item(&self, i: usize) -> &'static FormItem {
        &self.form.items[i]
    }

    /// The student a token belongs to.
    pub fn student(&self, token: &str) -> Option<&Student> {
        self.by_token.get(token).map(|&i| &self.students[i])
    }

    fn index(&self, token: &str) -> Result<usize, ClassError> {
        self.by_token
            .get(token)
            .copied()
            .ok_or(ClassError::NoStudent)
    }

    /// Grades the student's answers that changed since they were last
    /// graded (one item per answer, not the whole form).
    fn regrade(&mut self, s: usize) {
        let st = &mut self.students[s];
        let n = self.graded.len();
        st.marks.resize(n, None);
        st.graded.resize(n, None);
        let answers = match &st.sitting {
            Sitting::Taking(t) => t.answers(),
            Sitting::Done { answers, .. } => answers,
        };
        for (i, a) in answers.iter().enumerate().take(n) {
            if st.graded[i] != *a {
                st.marks[i] = grade_one(&self.graded[i], a.as_deref());
                st.graded[i].clone_from(a);
            }
        }
    }

    /// Puts back a student from the journal: an unfinished sitting is
    /// resumed (its chain checked), a handed-in one kept as it is.
    pub fn restore(
        &mut self,
        id: u32,
        name: String,
        token: String,
        record: ResultFile,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let sitting = if record.submitted.is_some() {
            record
                .verify()
                .map_err(|e| format!("student {id}'s record: {e}"))?;
            let ids: Vec<String> = self.form.items.iter().map(|i| i.id.clone()).collect();
            let answers = record
                .answers(&ids)
                .map_err(|u| format!("student {id}'s record names unknown items {u:?}"))?
                .into_iter()
                .map(|(a, _)| a)
                .collect();
            Sitting::Done { record, answers }
        } else {
            Sitting::Taking(
                Take::resume(self.form, record, &name, now)
                    .map_err(|e| format!("student {id}'s record: {e}"))?,
            )
        };
        self.by_token.insert(token.clone(), self.students.len());
        self.students.push(Student {
            id,
            name,
            token,
            sitting,
            marks: Vec::new(),
            graded: Vec::new(),
        });
        self.regrade(self.students.len() - 1);
        Ok(())
    }

    /// A new student joins. Returns their index.
    pub fn join(
        &mut self,
        name: &str,
        code: &str,
        from: Option<IpAddr>,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<usize, ClassError> {
        self.check_attempts(from)?;
        if !self.code_matches(code) {
            self.wrong_attempt(from);
            return Err(ClassError::WrongCode);
        }
        if !self.joining || self.phase == Phase::Finished {
            return Err(ClassError::Closed);
        }
        if self.students.len() >= self.limits.max_students {
            return Err(ClassError::Full(self.limits.max_students));
        }
        crate::app::quiz::check_student(name)
            .map_err(|_| ClassError::BadName("a name of 1 to 100 printable characters".into()))?;
        let name = name.trim().to_string();
        if self
            .students
            .iter()
            .any(|s| s.name.to_lowercase() == name.to_lowercase())
        {
            return Err(ClassError::NameTaken);
        }
        let mut take = Take::start(self.form, &name, now);
        // A student joining a live round mid-way starts at the item on screen.
        match self.phase {
            // Waiting for the first item is not time on it.
            Phase::Lobby if self.mode == Mode::Live => {
                take.apply(Input::Review, now);
            }
            Phase::Open(i) => {
                take.apply(Input::Goto(i + 1), now);
            }
            Phase::Closed(i) => {
                take.apply(Input::Goto(i + 1), now);
                take.apply(Input::Review, now);
            }
            _ => {}
        }
        let id = self.students.len() as u32 + 1;
        self.by_token.insert(token.clone(), self.students.len());
        self.students.push(Student {
            id,
            name,
            token,
            sitting: Sitting::Taking(take),
            marks: vec![None; self.form.items.len()],
            graded: vec![None; self.form.items.len()],
        });
        Ok(self.students.len() - 1)
    }

    /// A student's rejoin code: six symbols of the join code's alphabet,
    /// a hash of the teacher's secret and the student's token. It is
    /// shown to the student (and to the teacher) and lets them back in
    /// from another phone; derived rather than stored, it survives a
    /// restart, and no one can work it out without one of the two secrets.
    pub fn rejoin_code(&self, s: &Student) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"docket-class-rejoin\0");
        h.update(self.teacher_token.as_bytes());
        h.update(b"\0");
        h.update(s.token.as_bytes());
        code_from(&h.finalize()[..6])
    }

    /// A student who lost their cookie (a new phone, a cleared browser)
    /// comes back under the same name with the join code and their rejoin
    /// code; a name alone is not enough. Wrong codes count against the
    /// same limits as wrong join codes. Allowed when joining is closed or
    /// the class is full: the student is already in it. Returns their
    /// index.
    pub fn rejoin(
        &mut self,
        name: &str,
        code: &str,
        rejoin: &str,
        from: Option<IpAddr>,
    ) -> Result<usize, ClassError> {
        self.check_attempts(from)?;
        if !self.code_matches(code) {
            self.wrong_attempt(from);
            return Err(ClassError::WrongCode);
        }
        let name = name.trim().to_lowercase();
        let given = rejoin.trim().to_ascii_uppercase();
        let found = self
            .students
            .iter()
            .position(|s| s.name.to_lowercase() == name)
            .filter(|&k| {
                given
                    .as_bytes()
                    .ct_eq_str(self.rejoin_code(&self.students[k]).as_bytes())
            });
        match found {
            Some(k) => Ok(k),
            None => {
                // An unknown name and a wrong code get the same answer, so
                // the roster cannot be probed.
                self.wrong_attempt(from);
                Err(ClassError::WrongRejoin)
            }
        }
    }

    /// The student's token (to set their cookie again after a rejoin).
    pub fn token_of(&self, s: usize) -> &str {
        &self.students[s].token
    }

    fn check_attempts(&self, from: Option<IpAddr>) -> Result<(), ClassError> {
        let tried = self.wrong.get(&from).copied().unwrap_or(0);
        if tried >= self.limits.wrong_codes_per_address
            || self.wrong_total >= self.limits.wrong_codes_total
        {
            return Err(ClassError::TooManyAttempts);
        }
        Ok(())
    }

    fn code_matches(&self, code: &str) -> bool {
        code.trim()
            .to_ascii_uppercase()
            .as_bytes()
            .ct_eq_str(self.join_code.as_bytes())
    }

    fn wrong_attempt(&mut self, from: Option<IpAddr>) {
        *self.wrong.entry(from).or_default() += 1;
        self.wrong_total += 1;
    }

    /// Takes back the last join (its journal write failed).
    pub fn forget_last(&mut self) {
        if let Some(s) = self.students.pop() {
            self.by_token.remove(&s.token);
        }
    }

    /// A self-paced student's answer to item `item` (the one on their
    /// page) and where they go next. Returns the index of the student.
    pub fn act(
        &mut self,
        token: &str,
        item: Option<usize>,
        answer: Option<&str>,
        nav: Nav,
        now: DateTime<Utc>,
    ) -> Result<(usize, Step), ClassError> {
        let s = self.index(token)?;
        if self.mode == Mode::Live {
            return Err(ClassError::NotNow(
                "the teacher leads this class item by item".into(),
            ));
        }
        let n = self.form.items.len();
        let take = self.students[s].taking()?;
        let item = match item {
            Some(i) if i < n => Some(i),
            Some(_) => return Err(ClassError::Invalid(format!("items are numbered 1–{n}"))),
            None => take.current().map(|(i, _)| i),
        };
        let mut step = take.first_step();
        if let Some(i) = item
            && take.current().map(|(c, _)| c) != Some(i)
        {
            step = take.apply(Input::Goto(i + 1), now);
        }
        if let (Some(i), Some(text)) = (item, answer) {
            let text = text.trim();
            let standing = take.answers()[i].as_deref();
            if standing != Some(text) && !(text.is_empty() && standing.is_none()) {
                step = take.apply(Input::Answer(text.to_string()), now);
                if let Step::Invalid(_) = step {
                    return Ok((s, step));
                }
            }
        }
        if !matches!(step, Step::Submitted { .. }) {
            let here = item.or(take.current().map(|(c, _)| c));
            let target = match (nav, here) {
                (Nav::Next, Some(i)) => (i + 1 < n).then_some(i + 1),
                (Nav::Next, None) => None,
                (Nav::Back, Some(i)) => Some(i.saturating_sub(1)),
                (Nav::Back, None) => Some(n - 1),
                (Nav::Review, _) => None,
                (Nav::Goto(k), _) => Some(k.min(n - 1)),
                (Nav::Stay, h) => h,
            };
            let on = take.current().map(|(c, _)| c);
            if on != target {
                step = match target {
                    Some(t) => take.apply(Input::Goto(t + 1), now),
                    None if on.is_some() => take.apply(Input::Review, now),
                    None => Step::Review,
                };
            } else {
                step = match target {
                    Some(t) => Step::Item(t),
                    None => Step::Review,
                };
            }
        }
        self.regrade(s);
        Ok((s, step))
    }

    /// Hands a sitting in (after the student confirmed on the review
    /// list). Handing in twice only repeats the receipt.
    pub fn hand_in(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(usize, String), ClassError> {
        let s = self.index(token)?;
        if self.mode == Mode::Live {
            return Err(ClassError::NotNow(
                "the teacher hands the live round in for everyone".into(),
            ));
        }
        let take = self.students[s].taking()?;
        match take.apply(Input::HandIn, now) {
            Step::Submitted { receipt, .. } => {
                self.regrade(s);
                Ok((s, receipt))
            }
            other => Err(ClassError::Invalid(format!("not handed in: {other:?}"))),
        }
    }

    /// A live-round answer to the open item. Returns the student's index.
    pub fn answer_live(
        &mut self,
        token: &str,
        item: usize,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<(usize, Step), ClassError> {
        let s = self.index(token)?;
        if self.mode != Mode::Live {
            return Err(ClassError::NotNow("this class is self-paced".into()));
        }
        if self.phase != Phase::Open(item) {
            return Err(ClassError::NotNow(
                "that item is not open for answers now".into(),
            ));
        }
        let take = self.students[s].taking()?;
        if take.current().map(|(c, _)| c) != Some(item) {
            take.apply(Input::Goto(item + 1), now);
        }
        let step = take.apply(Input::Answer(answer.trim().to_string()), now);
        if let Step::Invalid(_) = step {
            return Ok((s, step));
        }
        // Answered: the clock stops on this item until the next opens.
        if take.current().is_some() {
            take.apply(Input::Review, now);
        }
        self.regrade(s);
        Ok((s, Step::Review))
    }

    /// Hands in every sitting whose time limit has run out (as `quiz take`
    /// does at the student's next keystroke), so the report counts them.
    pub fn hand_in_expired(&mut self, now: DateTime<Utc>) -> Vec<usize> {
        let mut changed = Vec::new();
        for s in 0..self.students.len() {
            if let Ok(t) = self.students[s].taking()
                && t.minutes_left(now) == Some(0)
            {
                // Any input past the deadline submits with `time_up`.
                t.apply(Input::Help, now);
                self.regrade(s);
                changed.push(s);
            }
        }
        changed
    }

    /// Opens the next item of the live round. Returns the students whose
    /// records changed.
    pub fn open_next(&mut self, now: DateTime<Utc>) -> Result<Vec<usize>, ClassError> {
        let next = match self.phase {
            Phase::Lobby => 0,
            Phase::Closed(i) if i + 1 < self.items() => i + 1,
            Phase::Closed(_) => {
                return Err(ClassError::NotNow(
                    "that was the last item: finish the round".into(),
                ));
            }
            Phase::Open(_) => return Err(ClassError::NotNow("close the open item first".into())),
            Phase::Finished => return Err(ClassError::NotNow("the round is over".into())),
        };
        if self.mode != Mode::Live {
            return Err(ClassError::NotNow("this class is self-paced".into()));
        }
        self.phase = Phase::Open(next);
        let mut changed = Vec::new();
        for (s, st) in self.students.iter_mut().enumerate() {
            if let Ok(t) = st.taking() {
                t.apply(Input::Goto(next + 1), now);
                changed.push(s);
            }
        }
        Ok(changed)
    }

    /// Closes the open item: no more answers; its results are shown.
    pub fn close_item(&mut self, now: DateTime<Utc>) -> Result<Vec<usize>, ClassError> {
        let Phase::Open(i) = self.phase else {
            return Err(ClassError::NotNow("no item is open".into()));
        };
        self.phase = Phase::Closed(i);
        let mut changed = Vec::new();
        for (s, st) in self.students.iter_mut().enumerate() {
            if let Ok(t) = st.taking()
                && t.current().is_some()
            {
                t.apply(Input::Review, now);
                changed.push(s);
            }
        }
        Ok(changed)
    }

    /// Ends the live round: every sitting is handed in.
    pub fn finish(&mut self, now: DateTime<Utc>) -> Result<Vec<usize>, ClassError> {
        if self.mode != Mode::Live {
            return Err(ClassError::NotNow("this class is self-paced".into()));
        }
        if matches!(self.phase, Phase::Open(_)) {
            return Err(ClassError::NotNow("close the open item first".into()));
        }
        self.phase = Phase::Finished;
        self.joining = false;
        let mut changed = Vec::new();
        for s in 0..self.students.len() {
            if let Ok(t) = self.students[s].taking() {
                t.apply(Input::HandIn, now);
                self.regrade(s);
                changed.push(s);
            }
        }
        Ok(changed)
    }

    /// The dashboard's figures.
    pub fn dashboard(&self) -> Dashboard {
        let n = self.items();
        let mut items = vec![
            ItemRow {
                answered: 0,
                correct: 0
            };
            n
        ];
        let mut rows = Vec::with_capacity(self.students.len());
        let mut submitted = 0;
        for s in &self.students {
            for (i, m) in s.marks.iter().enumerate().take(n) {
                if let Some(right) = m {
                    items[i].answered += 1;
                    items[i].correct += usize::from(*right);
                }
            }
            submitted += usize::from(s.receipt().is_some());
            rows.push(Row {
                id: s.id,
                name: s.name.clone(),
                answered: s.answered(),
                score: s.score(),
                current: s.current(),
                receipt: s.receipt().map(str::to_string),
                rejoin: self.rejoin_code(s),
            });
        }
        let mut talk_about: Vec<usize> = (0..n)
            .filter(|&i| items[i].answered >= 2 && items[i].facility().is_some_and(|f| f < 0.5))
            .collect();
        talk_about.sort_by(|&a, &b| {
            let fa = items[a].facility().unwrap_or(1.0);
            let fb = items[b].facility().unwrap_or(1.0);
            fa.total_cmp(&fb).then(a.cmp(&b))
        });
        Dashboard {
            rows,
            items,
            talk_about,
            submitted,
        }
    }

    /// How many answered item `i` (standing answers).
    pub fn answered(&self, i: usize) -> usize {
        self.students
            .iter()
            .filter(|s| s.answers().get(i).is_some_and(Option::is_some))
            .count()
    }

    /// Item `i`'s results: the distribution, the right answer, the
    /// explanation and the evidence.
    pub fn reveal(&self, i: usize) -> Reveal {
        let (card, shown) = &self.graded[i];
        let answers: Vec<(&str, bool)> = self
            .students
            .iter()
            .filter_map(|s| {
                let a = s.answers().get(i)?.as_deref()?;
                Some((a, s.marks.get(i).copied().flatten().unwrap_or(false)))
            })
            .collect();
        let mut options = Vec::new();
        let mut typed = Vec::new();
        if let crate::deck::model::Answer::Choice { correct, .. } = &card.answer {
            options = shown
                .options
                .iter()
                .enumerate()
                .map(|(p, text)| OptionCount {
                    label: crate::grade::label(p),
                    text: text.clone(),
                    count: 0,
                    right: shown.order.get(p).is_some_and(|d| correct.contains(d)),
                })
                .collect();
            for (a, _) in &answers {
                for p in chosen_positions(a, &shown.options).unwrap_or_default() {
                    if let Some(o) = options.get_mut(p) {
                        o.count += 1;
                    }
                }
            }
        } else {
            typed = response_counts(answers.iter().copied());
        }
        let evidence = card
            .evidence
            .iter()
            .map(|e| {
                let source = self.key.source(&e.source).map_or_else(
                    || e.source.clone(),
                    |s| {
                        let mut parts = vec![s.title.clone()];
                        parts.extend(s.publisher.clone());
                        parts.extend(s.date.clone());
                        parts.join(", ")
                    },
                );
                (e.quote.clone(), source)
            })
            .collect();
        Reveal {
            options,
            typed,
            answered: answers.len(),
            correct: answers.iter().filter(|(_, r)| *r).count(),
            answer: expected_answer(card),
            explanation: card.explanation.clone(),
            evidence,
        }
    }

    /// Students by score (points when the speed bonus is on, else right
    /// answers; highest first, then join order), for the end of a live
    /// round.
    pub fn standings(&self) -> Vec<Standing> {
        let shown = self.revealed();
        let mut v: Vec<Standing> = self
            .students
            .iter()
            .map(|s| Standing {
                id: s.id,
                name: s.name.clone(),
                right: s.score(),
                points: self.points(s, shown),
            })
            .collect();
        v.sort_by(|a, b| {
            (b.points, b.right)
                .cmp(&(a.points, a.right))
                .then(a.id.cmp(&b.id))
        });
        v
    }

    /// Items of a live round whose answers have been shown: an open
    /// item's marks would give its answer away.
    pub fn revealed(&self) -> usize {
        match self.phase {
            Phase::Lobby => 0,
            Phase::Open(i) => i,
            Phase::Closed(i) => i + 1,
            Phase::Finished => self.items(),
        }
    }

    /// The speed bonus of a right answer to item `i`: [`SPEED_BONUS_MAX`]
    /// less one point for every [`SPEED_STEP_SECONDS`] seconds taken; none
    /// for a wrong or missing answer, a self-paced class, or with the
    /// bonus off.
    pub fn bonus(&self, s: &Student, i: usize) -> usize {
        if !self.speed_bonus || self.mode != Mode::Live || s.marks.get(i) != Some(&Some(true)) {
            return 0;
        }
        let Some(t) = s.answer_seconds(&self.form.items[i].id) else {
            return 0;
        };
        let steps = usize::try_from(t / SPEED_STEP_SECONDS).unwrap_or(usize::MAX);
        SPEED_BONUS_MAX.saturating_sub(steps)
    }

    /// The student's points on the first `shown` items, when the speed
    /// bonus is on: [`POINTS_RIGHT`] per right answer plus its bonus.
    pub fn points(&self, s: &Student, shown: usize) -> Option<usize> {
        if !self.speed_bonus || self.mode != Mode::Live {
            return None;
        }
        Some(
            (0..shown.min(s.marks.len()))
                .filter(|&i| s.marks[i] == Some(true))
                .map(|i| POINTS_RIGHT + self.bonus(s, i))
                .sum(),
        )
    }
}

/// Constant-time equality for secrets.
trait CtEq {
    fn ct_eq_str(&self, other: &[u8]) -> bool;
}

impl CtEq for [u8] {
    fn ct_eq_str(&self, other: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        self.len() == other.len() && bool::from(self.ct_eq(other))
    }
}

/// Six symbols of the join code's alphabet (no 0/O, no 1/I) from six bytes.
pub(super) fn code_from(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // 32 symbols divide 256: no bias.
    bytes
        .iter()
        .map(|x| ALPHABET[usize::from(*x) % ALPHABET.len()] as char)
        .collect()
}
