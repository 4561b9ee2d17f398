//! The full-screen study screen in a real pseudo-terminal (expectrl), read
//! through a terminal emulator (vt100) so that what is checked is what a
//! student sees: answer three cards, suspend one and undo it, resize the
//! window, press Ctrl-C, start again, and find the progress kept.

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
    fn spawn(env: &Env) -> Screen {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
        cmd.env("DOCKET_DATA_DIR", env.data())
            .env("DOCKET_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .args(["study", "--no-fuzz", "--seed", "1"])
            .arg(env.deck());
        let mut session = expectrl::Session::spawn(cmd).expect("spawn docket in a pty");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        session.get_process_mut().set_window_size(80, 24).unwrap();
        Screen {
            session,
            term: vt100::Parser::new(24, 80, 0),
        }
    }

    /// Reads output until the screen shows `text` (or the process ends,
    /// or the expect timeout passes: then the test fails with the screen).
    fn wait_for(&mut self, text: &str) {
        self.wait_until(text, |screen| screen.contents().contains(text));
    }

    fn wait_until(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        while !done(self.term.screen()) {
            match self.session.expect(expectrl::Regex("[\\s\\S]+")) {
                Ok(found) => {
                    self.term.process(found.before());
                    if let Some(m) = found.get(0) {
                        self.term.process(m);
                    }
                }
                Err(e) => panic!("waiting for {what}: {e}\n{}", self.term.screen().contents()),
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.term.set_size(rows, cols);
        self.session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
    }

    fn wait_for_end(mut self) {
        let _ = self.session.expect(expectrl::Eof);
    }
}

#[test]
fn answer_undo_a_suspend_resize_quit_and_resume() {
    let env = Env::new();
    let mut s = Screen::spawn(&env);
    s.wait_for("Say one");
    // Nothing on the screen names the card before it is answered.
    assert!(!s.term.screen().contents().contains("card one"));
    s.send("one\r");
    // The verdict and the id are drawn in one frame but may arrive in two
    // reads: wait for both (a missing id fails at the expect timeout).
    s.wait_until("the verdict and the card's id", |screen| {
        let text = screen.contents();
        text.contains("right") && text.contains("card one")
    });
    s.send("\r");
    s.wait_for("Two is even?");
    s.send("true\r");
    s.wait_for("right");
    s.send("\r");
    s.wait_for("Say three");
    // Suspend by command, then undo it: the card comes back.
    s.send(":s\r");
    s.wait_for("suspended this card");
    s.wait_for("Say four");
    s.send(":u\r");
    s.wait_for("unsuspended the card");
    s.wait_for("Say three");
    // A wider window is filled: the counts move to its right edge.
    s.resize(110, 30);
    s.wait_until("the header to fill 110 columns", |screen| {
        let header = screen.rows(0, 110).next().unwrap_or_default();
        let header = header.trim_end();
        header.ends_with("review") && header.chars().count() > 100
    });
    s.send("three\r");
    s.wait_for("right");
    s.send("\x03");
    s.wait_for("Session over: 3 seen, 3 correct");
    s.wait_for_end();

    let mut s = Screen::spawn(&env);
    s.wait_for("Say four");
    s.send("\x03");
    s.wait_for("Session over: 0 seen");
    s.wait_for_end();

    for id in ["one", "two", "three"] {
        let card = env.card(NOW, id);
        assert_eq!(card["reps"], 1, "{card}");
        assert_eq!(card["state"], "learning", "{card}");
        assert_eq!(card["suspended"], false, "{card}");
    }
    assert_eq!(env.card(NOW, "four")["reps"], 0);
}
