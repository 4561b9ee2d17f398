//! The interactive terminal in a real pseudo-terminal (expectrl): answer
//! three cards, press Ctrl-C, start again, and find the progress kept.

mod study_support;

use std::process::Command;
use std::time::Duration;

use study_support::Env;
use study_support::NOW;

fn spawn(env: &Env) -> expectrl::Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
    cmd.env("DOCKET_DATA_DIR", env.data())
        .env("DOCKET_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .args(["study", "--no-fuzz", "--seed", "1"])
        .arg(env.deck());
    let mut s = expectrl::Session::spawn(cmd).expect("spawn docket in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

#[test]
fn answer_three_cards_ctrl_c_and_resume() {
    let env = Env::new();
    let mut s = spawn(&env);
    s.expect("Say one").unwrap();
    s.send("one\r").unwrap();
    s.expect("right").unwrap();
    s.send("\r").unwrap();
    s.expect("Two is even?").unwrap();
    s.send("true\r").unwrap();
    s.expect("right").unwrap();
    s.send("\r").unwrap();
    s.expect("Say three").unwrap();
    s.send("three\r").unwrap();
    s.expect("right").unwrap();
    s.send("\x03").unwrap();
    s.expect("Session over: 3 seen, 3 correct").unwrap();
    s.expect(expectrl::Eof).unwrap();

    let mut s = spawn(&env);
    s.expect("Say four").unwrap();
    s.send("\x03").unwrap();
    s.expect("Session over: 0 seen").unwrap();
    s.expect(expectrl::Eof).unwrap();

    for id in ["one", "two", "three"] {
        let card = env.card(NOW, id);
        assert_eq!(card["reps"], 1, "{card}");
        assert_eq!(card["state"], "learning", "{card}");
    }
    assert_eq!(env.card(NOW, "four")["reps"], 0);
}
