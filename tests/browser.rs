//! A real browser: headless Chromium through chromedriver (WebDriver,
//! driven by fantoccini). A teacher and three students play a live round
//! and a self-paced sitting end to end, with a reload mid-sitting and a
//! student trying the teacher's pages and the key; screenshots of the
//! phone and the projector are saved under `target/class-screenshots/`.
//!
//! Skips with a message when `chromium` or `chromedriver` is missing,
//! unless `DOCKET_REQUIRE_BROWSER=1` (CI), which makes that a failure.
//! Install: `apt-get install -y chromium chromium-driver`.

mod web_support;

use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

use docket::app::class::Limits;
use docket::quiz::form::FormItem;
use fantoccini::Client;
use fantoccini::ClientBuilder;
use fantoccini::Locator;
use web_support::*;

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver(program: &PathBuf) -> Driver {
    // A free port, released for chromedriver to take (a race with other
    // programs is possible but unlikely on a test machine).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    driver
}

async fn browser(
    driver: &Driver,
    chromium: &PathBuf,
    profile: &std::path::Path,
    size: (u32, u32),
) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                format!("--window-size={},{}", size.0, size.1),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

/// Waits (bounded) until the page's text contains `needle`.
async fn wait_text(c: &Client, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = match c.find(Locator::Css("body")).await {
            Ok(b) => b.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "waited for `{needle}`; the page says:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the element, again if a reload replaced it in between (bounded).
async fn click(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        match found.click().await {
            Ok(()) => return,
            Err(e) => assert!(Instant::now() < deadline, "cannot click `{css}`: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Puts `response` into the item's inputs as a student would.
async fn fill(c: &Client, item: &FormItem, response: &str) {
    match item.kind.as_str() {
        "choice" if item.multiple => {
            for l in response.split_whitespace() {
                click(c, &format!("input[name=pick][value={l}]")).await;
            }
        }
        "choice" => click(c, &format!("input[name=answer][value={}]", response.trim())).await,
        "truefalse" => {
            let v = if response.trim().starts_with('t') {
                "true"
            } else {
                "false"
            };
            click(c, &format!("input[name=answer][value={v}]")).await;
        }
        _ => {
            let e = c.find(Locator::Css("#answer")).await.unwrap();
            e.clear().await.unwrap();
            e.send_keys(response).await.unwrap();
        }
    }
}

async fn join_as(c: &Client, join_url: &str, name: &str) {
    c.goto(join_url).await.unwrap();
    let e = c.find(Locator::Css("#name")).await.unwrap();
    e.send_keys(name).await.unwrap();
    click(c, "form button[type=submit]").await;
}

fn shots_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/class-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    std::fs::write(shots_dir().join(name), png).unwrap();
}

async fn serve(t: &TestClass, host: &str) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The same class, announced at the address it is really served on.
    let code = t.state.class.read(|c| c.join_code.clone());
    let state = docket::web::State::new(
        t.state.class.clone(),
        format!("http://{host}:{port}/?code={code}"),
        docket::web::Bounds::default(),
    );
    tokio::spawn(docket::web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (format!("http://{host}:{port}"), stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_and_three_students_in_a_real_browser() {
    let required = std::env::var("DOCKET_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_program("CHROME", &["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program("CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let msg = "browser test skipped: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)";
        assert!(!required, "{msg}, and DOCKET_REQUIRE_BROWSER=1");
        // Straight to stderr, past the test harness's capture, so the skip shows.
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{msg}");
        return;
    };
    let driver = start_driver(&chromedriver);
    let profiles = tempfile::tempdir().unwrap();
    let phone = (390, 844);
    let teacher = browser(&driver, &chromium, &profiles.path().join("t"), (1280, 900)).await;
    let mut students = Vec::new();
    for n in 0..3 {
        students.push(
            browser(
                &driver,
                &chromium,
                &profiles.path().join(format!("s{n}")),
                phone,
            )
            .await,
        );
    }
    let outcome = tokio::spawn(play(teacher.clone(), students.clone())).await;
    for c in students {
        let _ = c.close().await;
    }
    let _ = teacher.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn play(teacher: Client, students: Vec<Client>) {
    let names = ["Ana", "Bo", "<b>Cy</b>"];
    // The live round, on 127.0.0.1.
    let t = make_class_of(
        2,
        true,
        Limits::default(),
        vec![docket::deck::model::CardKind::Choice],
    );
    let (base, stop) = serve(&t, "127.0.0.1").await;
    let tok = teacher_token(&t.state);
    let code = t.state.class.read(|c| c.join_code.clone());
    let items: Vec<FormItem> = t.state.class.read(|c| c.form.items.clone());
    teacher
        .goto(&format!("{base}/t/{tok}/screen"))
        .await
        .unwrap();
    wait_text(&teacher, &code).await;
    for (c, name) in students.iter().zip(names) {
        join_as(c, &format!("{base}/?code={code}"), name).await;
        wait_text(c, "You are in.").await;
    }
    // The projector follows by itself (server-sent events).
    let text = wait_text(&teacher, "3 joined").await;
    assert!(
        text.contains("<b>Cy</b>"),
        "the name is shown as text: {text}"
    );
    // A student tries the teacher's pages and the key.
    let s0 = &students[0];
    for path in [
        "/t/",
        "/t/00000000000000000000000000000000",
        "/key.json",
        "/data/key.json",
        "/t/00000000000000000000000000000000/report",
    ] {
        s0.goto(&format!("{base}{path}")).await.unwrap();
        let text = wait_text(s0, "").await;
        assert!(
            text.contains("for the teacher") || text.contains("no such page"),
            "{path}: {text}"
        );
    }
    s0.goto(&format!("{base}/s")).await.unwrap();
    for (i, item) in items.iter().enumerate() {
        click(&teacher, "#next").await;
        wait_text(&teacher, "0 of 3 answered").await;
        let right = right_answer(&t.key, i);
        for (k, c) in students.iter().enumerate() {
            let text = wait_text(c, &format!("Item {} of 2", i + 1)).await;
            // Before the item closes, nothing on the phone gives the answer away.
            if let Some(e) = &t.key.items[i].card.explanation {
                assert!(!text.contains(e.as_str()));
            }
            let answer = if k == 2 {
                some_answer(item)
            } else {
                right.clone()
            };
            fill(c, item, &answer).await;
            click(c, "form button[type=submit]").await;
            wait_text(c, "Answer recorded").await;
        }
        if i == 0 {
            shot(&students[0], "phone-live-answered.png").await;
        }
        wait_text(&teacher, "3 of 3 answered").await;
        click(&teacher, "#close").await;
        wait_text(&teacher, "Right answer").await;
        let text = wait_text(&students[1], "Right answer").await;
        assert!(text.contains("✓ right"));
        if i == 0 {
            shot(&teacher, "projector-results.png").await;
            shot(&students[1], "phone-live-results.png").await;
        }
    }
    click(&teacher, "#names").await;
    click(&teacher, "#finish").await;
    let text = wait_text(&teacher, "Results").await;
    assert!(
        text.contains("Student 1") && !text.contains("Ana"),
        "{text}"
    );
    shot(&teacher, "projector-standings.png").await;
    let text = wait_text(&students[0], "The round is over").await;
    assert!(text.contains("2 of 2 right"), "{text}");
    let report = t.state.class.report().unwrap();
    assert_eq!(report.report.students.len(), 3);
    let _ = stop.send(());

    // The self-paced sitting, on localhost (its own cookies).
    let t = make_class(3, false, Limits::default());
    let (base, stop) = serve(&t, "localhost").await;
    let tok = teacher_token(&t.state);
    let code = t.state.class.read(|c| c.join_code.clone());
    let items: Vec<FormItem> = t.state.class.read(|c| c.form.items.clone());
    teacher.goto(&format!("{base}/t/{tok}")).await.unwrap();
    wait_text(&teacher, &code).await;
    for (c, name) in students.iter().zip(names) {
        join_as(c, &format!("{base}/?code={code}"), name).await;
        wait_text(c, "item 1 of 3").await;
    }
    wait_text(&teacher, "3 joined").await;
    // Ana answers item 1, moves on, reloads mid-sitting, and finds her place.
    let ana = &students[0];
    fill(ana, &items[0], &right_answer(&t.key, 0)).await;
    click(ana, "button[name=nav][value=next]").await;
    wait_text(ana, "item 2 of 3").await;
    shot(ana, "phone-item.png").await;
    ana.refresh().await.unwrap();
    wait_text(ana, "item 2 of 3 · 1 answered").await;
    // Back to item 1: her answer is still there.
    click(ana, "button[name=nav][value=back]").await;
    wait_text(ana, "item 1 of 3").await;
    fill(ana, &items[0], &right_answer(&t.key, 0)).await;
    click(ana, "button[name=nav][value=review]").await;
    let text = wait_text(ana, "Review your answers").await;
    assert!(text.contains("2 unanswered: items 2, 3"), "{text}");
    shot(ana, "phone-review.png").await;
    click(ana, "form[action='/s/submit'] button").await;
    let text = wait_text(ana, "Your receipt code").await;
    let receipt = ana
        .find(Locator::Css("#receipt"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains(&receipt) && receipt.len() >= 9);
    for c in &students[1..] {
        for (i, item) in items.iter().enumerate() {
            fill(c, item, &right_answer(&t.key, i)).await;
            click(c, "button[name=nav][value=review]").await;
            wait_text(c, "Review your answers").await;
            if i + 1 < items.len() {
                click(c, &format!("button[name=nav][value=goto-{}]", i + 2)).await;
                wait_text(c, &format!("item {} of 3", i + 2)).await;
            }
        }
        click(c, "form[action='/s/submit'] button").await;
        wait_text(c, "Your receipt code").await;
    }
    wait_text(&teacher, "3 handed in").await;
    shot(&teacher, "dashboard.png").await;
    let report = t.state.class.report().unwrap();
    let scores: Vec<usize> = report.report.students.iter().map(|s| s.score).collect();
    assert_eq!(report.report.students.len(), 3);
    assert_eq!(scores.iter().sum::<usize>(), 1 + 3 + 3);
    let _ = stop.send(());
}
