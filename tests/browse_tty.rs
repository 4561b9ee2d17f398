//! `docket browse` in a real pseudo-terminal (expectrl), read through a
//! terminal emulator (vt100) so what is checked is what a person sees:
//! the list, a filter, a card opened whole, suspend and unsuspend from the
//! list (and the store agreeing), and quitting.

mod study_support;

use std::process::Command;
use std::time::Duration;

use study_support::Env;
use study_support::NOW;

struct Screen {
    session: expectrl::Session,
    term: vt100::Parser,
}

impl Screen {
    fn spawn(env: &Env, cols: u16, rows: u16) -> Screen {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
        cmd.env("DOCKET_DATA_DIR", env.data())
            .env("DOCKET_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .arg("browse")
            .arg(env.deck());
        let mut session = expectrl::Session::spawn(cmd).expect("spawn docket in a pty");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        Screen {
            session,
            term: vt100::Parser::new(rows, cols, 0),
        }
    }

    fn contents(&self) -> String {
        self.term.screen().contents()
    }

    /// Reads output until `done` holds for the screen (the test fails with
    /// the screen when the expect timeout passes first).
    fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        while !done(&self.contents()) {
            match self.session.expect(expectrl::Regex("[\\s\\S]+")) {
                Ok(found) => {
                    self.term.process(found.before());
                    if let Some(m) = found.get(0) {
                        self.term.process(m);
                    }
                }
                Err(e) => panic!("waiting for {what}: {e}\n{}", self.contents()),
            }
        }
    }

    fn wait_for(&mut self, text: &str) {
        self.wait_until(text, |s| s.contains(text));
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    /// The list's rows (between the header and the message line).
    fn row_of(&self, id: &str) -> Option<String> {
        self.contents()
            .lines()
            .find(|l| l.contains(&format!("│{id} ")) || l.contains(&format!("│ {id} ")))
            .map(str::to_string)
    }
}

#[test]
fn filter_open_suspend_unsuspend_and_quit() {
    let env = Env::new();
    // One card studied first, so the list has states to show.
    env.study(NOW, "one\n\n:q\n", &["--plain"]);
    let mut s = Screen::spawn(&env, 100, 24);
    s.wait_for("4 of 4 cards");
    assert!(
        s.row_of("one").is_some_and(|r| r.contains("learning")),
        "{}",
        s.contents()
    );
    assert!(
        s.row_of("four").is_some_and(|r| r.contains("new")),
        "{}",
        s.contents()
    );

    // Filter by text: only `three` is left.
    s.send("/three\r");
    s.wait_for("1 of 4 cards");
    assert!(s.row_of("three").is_some(), "{}", s.contents());
    assert!(s.row_of("four").is_none(), "{}", s.contents());

    // Open it whole: the prompt and the answer.
    s.send("\r");
    s.wait_for("Say three");
    s.send("\x1b");
    s.wait_until("the list again", |c| !c.contains("Say three"));

    // Suspend from the list: the row says so, and so does the store.
    s.send("s");
    s.wait_for("suspended three");
    assert!(
        s.row_of("three").is_some_and(|r| r.contains("suspended")),
        "{}",
        s.contents()
    );
    assert_eq!(env.card(NOW, "three")["suspended"], true);
    // A state filter finds it.
    s.send("/\x7f\x7f\x7f\x7f\x7fis:suspended\r");
    s.wait_for("1 of 4 cards / is:suspended");
    assert!(s.row_of("three").is_some(), "{}", s.contents());

    // And `s` again lifts the suspension.
    s.send("s");
    s.wait_for("unsuspended three");
    s.wait_for("0 of 4 cards");
    assert_eq!(env.card(NOW, "three")["suspended"], false);

    s.send("q");
    let _ = s.session.expect(expectrl::Eof);
    let status = s.session.get_process_mut().wait().unwrap();
    assert!(
        matches!(status, expectrl::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
}
