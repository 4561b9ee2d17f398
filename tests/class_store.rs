//! The class store and the served class, run the same on both backends:
//! the class's own SQLite file, and a school's PostgreSQL database (a
//! throwaway cluster, `tests/pg_support`; skipped with a message when
//! PostgreSQL is not installed, mandatory with DOCKET_REQUIRE_POSTGRES=1).
//! Then what only PostgreSQL has: migrations from every earlier version
//! and interrupted half way, teachers kept apart, the term report against
//! `quiz::item_analysis`, the database restarted mid-class, a full pool.

mod pg_support;
#[path = "web_support/mod.rs"]
mod web_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::DateTime;
use chrono::Utc;
use docket::app::class;
use docket::app::class::ClassError;
use docket::app::class::Limits;
use docket::app::class::Nav;
use docket::app::class::ServeRequest;
use docket::quiz::form::Key;
use docket::quiz::item_analysis::Marks;
use docket::quiz::result_file::ResultFile;
use docket::store::class::ClassStore;
use docket::store::class::ClassStoreError;
use docket::store::class::ClassTarget;
use docket::store::class::ItemRef;
use docket::store::class::Mark;
use docket::store::class::PgClassStore;
use docket::store::class::PgOptions;
use docket::store::class::StoredStudent;
use docket::store::class::migrations;
use docket::store::class::postgres::Db;
use docket::store::class::school::School;
use pg_support::Cluster;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn quick() -> PgOptions {
    PgOptions {
        pool_size: 4,
        wait: Duration::from_secs(10),
        reconnect: Duration::from_secs(30),
    }
}

fn pg_target(url: &str, teacher: &str, term: &str, class: &str) -> ClassTarget {
    ClassTarget::Postgres {
        url: url.to_string(),
        teacher: teacher.into(),
        term: term.into(),
        class: class.into(),
        options: quick(),
    }
}

/// Every backend this machine can run, as a target for a class in `dir`.
fn backends(tag: &str, dir: &Path) -> Vec<(&'static str, ClassTarget)> {
    let mut out = vec![("sqlite", ClassTarget::Sqlite(dir.join("data")))];
    if let Some(c) = pg_support::shared() {
        let url = c.database(tag);
        out.push((
            "postgres",
            pg_target(&url, "ms-rivera", "2026-autumn", "7A"),
        ));
    }
    out
}

fn student(id: u32, name: &str) -> StoredStudent {
    StoredStudent {
        id,
        name: name.into(),
        token: format!("token-{id}"),
        record: ResultFile::new("fp", name, t("2026-09-01T09:00:00Z")),
    }
}

fn store_suite(backend: &str, target: &ClassTarget) {
    if let ClassTarget::Sqlite(dir) = target {
        std::fs::create_dir_all(dir).unwrap();
    }
    let store = docket::store::class::open(target).unwrap();
    assert_eq!(store.meta("form").unwrap(), None, "{backend}");
    store.set_meta("mode", "self-paced").unwrap();
    store.set_meta("mode", "live").unwrap();
    assert_eq!(store.meta("mode").unwrap().as_deref(), Some("live"));
    let items: Vec<ItemRef> = (0..3)
        .map(|p| ItemRef {
            position: p,
            deck_id: "deck".into(),
            card_id: format!("card-{p}"),
        })
        .collect();
    store.set_items(&items).unwrap();
    store.add_student(&student(1, "Ana")).unwrap();
    store.add_student(&student(2, "Ben <b>")).unwrap();
    // Two students cannot share a token.
    let mut twin = student(3, "Cy");
    twin.token = "token-1".into();
    assert!(store.add_student(&twin).is_err(), "{backend}");

    let mut record = student(2, "Ben <b>").record;
    record.push("q01", Some("a"), 12, t("2026-09-01T09:00:12Z"));
    let marks = vec![
        Mark {
            position: 0,
            response: Some("a".into()),
            correct: true,
            seconds: 12,
        },
        Mark {
            position: 1,
            response: None,
            correct: false,
            seconds: 0,
        },
    ];
    store.save_record(2, &record, &marks).unwrap();
    // An unknown student is an error, not a silent no-op.
    assert!(store.save_record(9, &record, &marks).is_err(), "{backend}");
    drop(store);

    // Reopened: everything is there, in join order.
    let store = docket::store::class::open(target).unwrap();
    let students = store.students().unwrap();
    let names: Vec<&str> = students.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Ana", "Ben <b>"], "{backend}");
    assert_eq!(students[1].record, record, "{backend}");
    assert_eq!(students[1].token, "token-2");
    assert!(store.describe().len() > 3);
}

#[test]
fn the_store_suite_passes_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, target) in backends("suite", dir.path()) {
        store_suite(backend, &target);
    }
}

/// A form of `items` items from the bundled deck (seed 7) in `dir`.
fn make_form(dir: &Path, items: usize) -> Key {
    docket::app::quiz::make(&docket::app::quiz::MakeRequest {
        deck: None,
        sources: None,
        items: Some(items),
        topics: Vec::new(),
        kinds: Vec::new(),
        seed: 7,
        time_limit: None,
        form: dir.join("quiz.json"),
        key: None,
        force: true,
    })
    .unwrap();
    Key::read(&dir.join("quiz.key.json")).unwrap()
}

fn request(dir: &Path) -> ServeRequest {
    ServeRequest {
        deck: None,
        sources: None,
        items: None,
        time_limit: None,
        form: Some(dir.join("quiz.json")),
        key: Some(dir.join("quiz.key.json")),
        data: dir.join("data"),
        live: false,
        limits: Limits::default(),
    }
}

/// A wrong answer to item `i` (another option, or nonsense).
fn wrong_answer(key: &Key, i: usize) -> String {
    let right = web_support::right_answer(key, i);
    if right == "a" {
        "b".into()
    } else {
        "zzz-wrong".into()
    }
}

/// Three students: Ana right on every item, Ben right on the first half,
/// Cy joins and answers but never hands in. Returns the scores handed in
/// and the students' tokens.
fn sit_class(room: &class::Classroom, key: &Key) -> (Vec<(String, usize)>, Vec<String>) {
    let code = room.read(|c| c.join_code.clone());
    let n = key.items.len();
    let mut expected = Vec::new();
    let mut tokens = Vec::new();
    for (name, right_upto, hand_in) in [("Ana", n, true), ("Ben", n / 2, true), ("Cy", 1, false)] {
        let token = room.join(name, &code, None, None).unwrap();
        for i in 0..n {
            let answer = if i < right_upto {
                web_support::right_answer(key, i)
            } else {
                wrong_answer(key, i)
            };
            room.act(&token, Some(i), Some(&answer), Nav::Next).unwrap();
        }
        if hand_in {
            room.hand_in(&token).unwrap();
            expected.push((name.to_string(), right_upto));
        }
        tokens.push(token);
    }
    (expected, tokens)
}

#[test]
fn a_served_class_carries_on_and_exports_the_same_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    let key = make_form(dir.path(), 6);
    let mut reports = Vec::new();
    for (backend, target) in backends("served", dir.path()) {
        let data = dir.path().join(format!("data-{backend}"));
        let target = match target {
            ClassTarget::Sqlite(_) => ClassTarget::Sqlite(data.clone()),
            pg => pg,
        };
        let mut req = request(dir.path());
        req.data = data.clone();
        let (room, opened) = class::open_with(&req, &target).unwrap();
        assert!(!opened.resumed);
        let (expected, tokens) = sit_class(&room, &key);
        drop(room);

        // A restarted server carries on: the same students, Ana's sitting
        // handed in, Cy still answering.
        let (room, opened) = class::open_with(&req, &target).unwrap();
        assert!(opened.resumed, "{backend}");
        assert_eq!(opened.students, 3, "{backend}");
        assert!(matches!(
            room.hand_in(&tokens[0]),
            Err(ClassError::Submitted(_))
        ));
        room.act(&tokens[2], Some(0), None, Nav::Stay).unwrap();
        drop(room);

        // Exported as result files, reported on by `quiz report` unchanged.
        let out = dir.path().join(format!("out-{backend}"));
        let files = class::export_with(&target, &data, &out).unwrap();
        assert_eq!(files.files.len(), 3, "{backend}");
        let report = docket::app::quiz::report(&docket::app::quiz::ReportRequest {
            key: data.join("key.json"),
            results: vec![out],
            receipts: None,
            min_class_size: 1,
        })
        .unwrap();
        let mut scores: Vec<(String, usize)> = report
            .report
            .students
            .iter()
            .map(|s| (s.student.clone(), s.score))
            .collect();
        scores.sort();
        assert_eq!(scores, expected, "{backend}");
        reports.push(scores);
    }
    reports.dedup();
    assert_eq!(reports.len(), 1, "both backends report the same class");
}

#[test]
fn a_class_moves_from_the_database_to_its_own_file_and_back() {
    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = make_form(dir.path(), 4);
    let url = cluster.database("move");
    let pg = pg_target(&url, "mr-okafor", "2026-autumn", "9C");
    let (room, _) = class::open_with(&request(dir.path()), &pg).unwrap();
    let (expected, _) = sit_class(&room, &key);
    drop(room);
    let file = ClassTarget::Sqlite(dir.path().join("moved"));
    assert_eq!(class::copy(&pg, &file).unwrap(), 3);
    // Copying onto a class is refused, not merged.
    assert!(class::copy(&pg, &file).is_err());
    let back = pg_target(&url, "mr-okafor", "2027-spring", "9C");
    assert_eq!(class::copy(&file, &back).unwrap(), 3);
    for target in [&file, &back] {
        let mut req = request(dir.path());
        req.data = dir.path().join("moved");
        let (room, opened) = class::open_with(&req, target).unwrap();
        assert!(opened.resumed);
        assert_eq!(opened.students, 3);
        drop(room);
    }
    // The copy back keeps its answer rows: the new term reports them.
    let school = School::connect(&url, &quick()).unwrap();
    let report = school
        .term_report("2027-spring", Some("mr-okafor"))
        .unwrap();
    assert_eq!(report.sittings, expected.len() as i64);
}

#[test]
fn the_web_server_runs_a_class_kept_in_postgres() {
    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = make_form(dir.path(), 3);
    let target = pg_target(&cluster.database("web"), "ms-rivera", "2026-autumn", "8B");
    let (room, _) = class::open_with(&request(dir.path()), &target).unwrap();
    let room = Arc::new(room);
    let code = room.read(|c| c.join_code.clone());
    let teacher = room.read(|c| c.teacher_token.clone());
    let state = docket::web::State::new(
        room,
        format!("http://127.0.0.1:9/?code={code}"),
        docket::web::Bounds::default(),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use web_support::{from, get, post, send};
        let r = send(
            &state,
            from(
                post("/join", None, &[("name", "Dee <script>"), ("code", &code)]),
                [10, 0, 0, 2],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let cookie = r
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .and_then(|c| c.split_once('='))
            .map(|(_, v)| v.to_string())
            .unwrap();
        for i in 0..key.items.len() {
            let answer = web_support::right_answer(&key, i);
            // Items are numbered from 1 on the page.
            let item = (i + 1).to_string();
            let r = send(
                &state,
                post(
                    "/s/answer",
                    Some(&cookie),
                    &[("item", &item), ("answer", &answer), ("nav", "next")],
                ),
            )
            .await;
            assert!(
                r.status.is_redirection() || r.status.is_success(),
                "{}",
                r.status
            );
        }
        let r = send(
            &state,
            post("/s/submit", Some(&cookie), &[("confirm", "yes")]),
        )
        .await;
        assert!(r.status.is_redirection() || r.status.is_success());
        // The teacher's report reads the class from the database.
        let r = send(&state, get(&format!("/t/{teacher}/report"), None)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Dee &lt;script&gt;"), "the name, escaped");
        assert!(!r.body.contains("Dee <script>"));
    });
    let school = School::connect(&target_url(&target), &quick()).unwrap();
    let classes = school.classes("ms-rivera").unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0].submitted, 1);
    assert_eq!(classes[0].mean_score, Some(100.0));
}

fn target_url(t: &ClassTarget) -> String {
    match t {
        ClassTarget::Postgres { url, .. } => url.clone(),
        ClassTarget::Sqlite(_) => unreachable!(),
    }
}

/// Puts a class of `students` students with these marks (rows: students)
/// straight into the store, every sitting handed in.
fn load_class(db: &Db, teacher: &str, term: &str, class: &str, marks: &[Vec<bool>]) {
    let store = PgClassStore::in_db(db, teacher, term, class).unwrap();
    let items = marks.first().map_or(0, Vec::len);
    let refs: Vec<ItemRef> = (0..items as u32)
        .map(|p| ItemRef {
            position: p,
            deck_id: "deck".into(),
            card_id: format!("card-{p:02}"),
        })
        .collect();
    store.set_items(&refs).unwrap();
    for (s, row) in marks.iter().enumerate() {
        let id = s as u32 + 1;
        let mut st = student(id, &format!("s{id}"));
        st.token = format!("{class}-{id}");
        store.add_student(&st).unwrap();
        let mut record = st.record.clone();
        record.submit(t("2026-09-01T10:00:00Z"), false);
        let marks: Vec<Mark> = row
            .iter()
            .zip(0u32..)
            .map(|(&correct, position)| Mark {
                position,
                response: Some(if correct { "a" } else { "b" }.into()),
                correct,
                seconds: 10,
            })
            .collect();
        store.save_record(id, &record, &marks).unwrap();
    }
}

/// Deterministic marks from an ability model: student s right on item i
/// when a hash of (s, i) falls under their ability less the item's
/// difficulty.
fn simulated(students: usize, items: usize, salt: u64) -> Vec<Vec<bool>> {
    (0..students)
        .map(|s| {
            (0..items)
                .map(|i| {
                    let mut h = (s as u64 * 1_000_003 + i as u64 * 7919 + salt)
                        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    h ^= h >> 29;
                    let u = (h % 1000) as f64 / 1000.0;
                    let p =
                        0.25 + 0.6 * (s as f64 / students as f64) - 0.3 * (i as f64 / items as f64);
                    u < p
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_term_report_in_sql_agrees_with_the_item_analysis_and_teachers_are_kept_apart() {
    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let url = cluster.database("term");
    let db = Db::connect(&url, &quick()).unwrap();
    let a = simulated(40, 8, 1);
    load_class(&db, "ms-rivera", "2026-autumn", "7A", &a);
    // Another teacher's class of the same name, and another term.
    load_class(&db, "mr-okafor", "2026-autumn", "7A", &simulated(25, 8, 2));
    load_class(&db, "ms-rivera", "2025-spring", "6A", &simulated(10, 8, 3));

    let school = School::from_db(db);
    let mine = school.classes("ms-rivera").unwrap();
    let names: Vec<(&str, &str, i64)> = mine
        .iter()
        .map(|c| (c.term.as_str(), c.class.as_str(), c.students))
        .collect();
    assert_eq!(
        names,
        [("2025-spring", "6A", 10), ("2026-autumn", "7A", 40)]
    );
    assert!(school.classes("nobody-here").unwrap().is_empty());

    let report = school
        .term_report("2026-autumn", Some("ms-rivera"))
        .unwrap();
    assert_eq!((report.classes, report.sittings), (1, 40));
    let marks = Marks::new(
        a.iter()
            .map(|r| r.iter().map(|&c| f64::from(u8::from(c))).collect())
            .collect(),
    );
    let want = docket::quiz::item_analysis::analyse(&marks, &[None; 8]);
    assert_eq!(report.items.len(), 8);
    let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    };
    for (got, want) in report.items.iter().zip(&want) {
        let f = &got.figures;
        assert_eq!(f.n as usize, want.n);
        assert!(close(f.facility, want.facility), "{f:?} {want:?}");
        assert!(close(f.sd, want.sd), "{f:?} {want:?}");
        assert!(
            close(f.discrimination_index, want.discrimination_index),
            "{f:?} {want:?}"
        );
        assert!(
            close(f.point_biserial, want.point_biserial),
            "{f:?} {want:?}"
        );
    }
    let mean = 100.0 * marks.totals.iter().sum::<f64>() / (40.0 * 8.0);
    assert!(close(report.mean_score, Some(mean)));

    // The whole school's term has both 7As; an item over every class.
    let all = school.term_report("2026-autumn", None).unwrap();
    assert_eq!((all.classes, all.sittings), (2, 65));
    let item = school.item(Some("ms-rivera"), "deck", "card-00").unwrap();
    let seen: Vec<&str> = item.classes.iter().map(|c| c.class.as_str()).collect();
    assert_eq!(seen, ["6A", "7A"], "only her classes");
    assert_eq!(item.overall.n, 50);
    let everyone = school.item(None, "deck", "card-00").unwrap();
    assert_eq!(everyone.overall.n, 75);
}

#[test]
fn migrations_run_from_every_earlier_version_and_survive_an_interruption() {
    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let latest = migrations::latest();
    for from in 0..latest {
        let url = cluster.database(&format!("from{from}"));
        let db = Db::connect_unmigrated(&url, &quick()).unwrap();
        assert_eq!(db.migrate_to(from).unwrap(), from);
        if from >= 1 {
            // A class of that version, with a handed-in sitting.
            let mut r = ResultFile::new("fp", "Ana", t("2026-09-01T09:00:00Z"));
            r.submit(t("2026-09-01T09:10:00Z"), false);
            let json = serde_json::to_string(&r).unwrap().replace('\'', "''");
            cluster.psql(
                &url,
                &format!(
                    "INSERT INTO teachers (name) VALUES ('t'); INSERT INTO terms (name) VALUES ('x');
                     INSERT INTO classes (teacher_id, term_id, name) VALUES (1, 1, 'c');
                     INSERT INTO class_meta VALUES (1, 'mode', 'live');
                     INSERT INTO students (class_id, id, name, token, record) VALUES (1, 1, 'Ana', 'tok', '{json}');"
                ),
            );
        }
        // Interrupted half way through the next migration: nothing of it stays.
        db.interrupt_migration(from + 1).unwrap();
        assert_eq!(db.version().unwrap(), from, "from {from}");
        // Then a normal start finishes the job.
        assert_eq!(
            Db::connect(&url, &quick()).unwrap().version().unwrap(),
            latest
        );
        if from >= 1 {
            let store = PgClassStore::in_db(&db, "t", "x", "c").unwrap();
            assert_eq!(store.meta("mode").unwrap().as_deref(), Some("live"));
            assert_eq!(store.students().unwrap().len(), 1);
            assert_eq!(
                cluster.psql(&url, "SELECT submitted FROM students"),
                "t",
                "version 3 marks old handed-in sittings"
            );
        }
    }
    // A database newer than this docket is refused, not touched.
    let url = cluster.database("newer");
    Db::connect(&url, &quick()).unwrap();
    cluster.psql(
        &url,
        "INSERT INTO docket_migrations (version, name) VALUES (99, 'future')",
    );
    match Db::connect(&url, &quick()) {
        Err(ClassStoreError::TooNew { found: 99, .. }) => {}
        Err(e) => panic!("unexpected: {e}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

#[test]
fn a_full_pool_waits_then_says_so_and_loses_nothing() {
    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let url = cluster.database("pool");
    let options = PgOptions {
        pool_size: 1,
        wait: Duration::from_millis(300),
        reconnect: Duration::from_secs(5),
    };
    let store = PgClassStore::open(&url, "t", "x", "c", &options).unwrap();
    store.add_student(&student(1, "Ana")).unwrap();
    let held = store.db().occupy(1).unwrap();
    match store.set_meta("phase", "lobby") {
        Err(ClassStoreError::Unavailable(msg)) => {
            assert!(msg.contains("pooled connections"), "{msg}")
        }
        other => panic!("expected a full pool: {other:?}"),
    }
    drop(held);
    // The failed call changed nothing; the next one goes through.
    assert_eq!(store.meta("phase").unwrap(), None);
    store.set_meta("phase", "lobby").unwrap();

    // Many callers on one connection wait their turn: every write lands.
    let options = PgOptions {
        pool_size: 1,
        wait: Duration::from_secs(20),
        reconnect: Duration::from_secs(5),
    };
    let store = Arc::new(PgClassStore::open(&url, "t", "x", "c", &options).unwrap());
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || store.set_meta(&format!("k{i}"), "v"))
        })
        .collect();
    for w in writers {
        w.join().unwrap().unwrap();
    }
    for i in 0..8 {
        assert_eq!(store.meta(&format!("k{i}")).unwrap().as_deref(), Some("v"));
    }
}

#[test]
fn the_database_restarted_mid_class_loses_no_submitted_answer() {
    // Its own cluster: this test stops the server.
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = make_form(dir.path(), 4);
    let target = pg_target(
        &cluster.database("restart"),
        "ms-rivera",
        "2026-autumn",
        "7A",
    );
    let (room, _) = class::open_with(&request(dir.path()), &target).unwrap();
    let room = Arc::new(room);
    let code = room.read(|c| c.join_code.clone());
    let ana = room.join("Ana", &code, None, None).unwrap();
    room.act(
        &ana,
        Some(0),
        Some(&web_support::right_answer(&key, 0)),
        Nav::Next,
    )
    .unwrap();

    cluster.stop();
    // Answers given while the database is down wait for it to come back.
    let answering = {
        let (room, ana, key) = (room.clone(), ana.clone(), key.clone());
        std::thread::spawn(move || {
            for i in 1..key.items.len() {
                room.act(
                    &ana,
                    Some(i),
                    Some(&web_support::right_answer(&key, i)),
                    Nav::Next,
                )?;
            }
            room.hand_in(&ana)
        })
    };
    cluster.restart();
    let receipt = answering.join().unwrap().unwrap();
    drop(room);

    // A restarted class server finds every answer and the receipt.
    let (room, opened) = class::open_with(&request(dir.path()), &target).unwrap();
    assert_eq!(opened.students, 1);
    match room.hand_in(&ana) {
        Err(ClassError::Submitted(r)) => assert_eq!(r, receipt),
        other => panic!("expected the sitting handed in: {other:?}"),
    }
    let out = dir.path().join("out");
    class::export_with(&target, &dir.path().join("data"), &out).unwrap();
    let report = docket::app::quiz::report(&docket::app::quiz::ReportRequest {
        key: dir.path().join("data").join("key.json"),
        results: vec![out],
        receipts: None,
        min_class_size: 1,
    })
    .unwrap();
    assert_eq!(report.report.students.len(), 1);
    assert_eq!(report.report.students[0].score, key.items.len());
}

fn docket() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("docket").unwrap();
    for k in ["DOCKET_DB", "DOCKET_TEACHER", "DOCKET_TERM"] {
        cmd.env_remove(k);
    }
    cmd
}

#[test]
fn the_command_line_names_a_school_class_or_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    // A teacher without a database is a mistake, not a silent SQLite class.
    let out = docket()
        .args(["class", "export", "--teacher", "rivera"])
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db"));
    let out = docket()
        .args(["class", "term-report", "--term", "2026-autumn"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db"));
    // An unreachable database is a clear error, not a hang or a panic.
    let out = docket()
        .args([
            "class",
            "classes",
            "--teacher",
            "rivera",
            "--pool-wait",
            "1",
            "--reconnect",
            "1",
        ])
        .args([
            "--db",
            "postgres://docket@127.0.0.1:1/none?connect_timeout=1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unavailable") || err.contains("not reachable"),
        "{err}"
    );

    let Some(cluster) = pg_support::shared() else {
        return;
    };
    let url = cluster.database("cli");
    let key = make_form(dir.path(), 4);
    let target = pg_target(&url, "rivera", "2026-autumn", "7A");
    let (room, _) = class::open_with(&request(dir.path()), &target).unwrap();
    let (expected, _) = sit_class(&room, &key);
    drop(room);
    let exported = dir.path().join("exported");
    docket()
        .args(["class", "export", "--db", &url, "--teacher", "rivera"])
        .args(["--term", "2026-autumn", "--class", "7A", "--data"])
        .arg(&exported)
        .arg("--into-sqlite")
        .arg(dir.path().join("moved"))
        .arg(exported.join("results"))
        .assert()
        .success();
    assert!(dir.path().join("moved").join("class.sqlite").is_file());
    let report = docket()
        .args(["quiz", "report", "--json"])
        .arg(exported.join("key.json"))
        .arg(exported.join("results"))
        .output()
        .unwrap();
    // Cy never handed in: `quiz report` says so (and exits non-zero), and
    // reports the others.
    let stderr = String::from_utf8_lossy(&report.stderr);
    assert!(
        stderr.contains("003-cy.json") && stderr.contains("never submitted"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&report.stdout);
    assert!(stdout.contains("Ana") && stdout.contains("Ben"), "{stdout}");
    let out = docket()
        .args([
            "class",
            "term-report",
            "--json",
            "--db",
            &url,
            "--term",
            "2026-autumn",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sittings"], expected.len());
    assert_eq!(json["items"].as_array().unwrap().len(), 4);
    let out = docket()
        .args(["class", "classes", "--db", &url, "--teacher", "rivera"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("7A"));
}

#[test]
fn a_class_file_written_before_the_store_trait_still_opens() {
    // The journal as `docket class serve` wrote it before src/store/class.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.sqlite");
    let record = ResultFile::new("fp", "Ana", t("2026-09-01T09:00:00Z"));
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
             CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                    token TEXT NOT NULL UNIQUE, record TEXT NOT NULL);
             INSERT INTO meta VALUES ('mode', 'live');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO students VALUES (1, 'Ana', 'tok', ?1)",
            [serde_json::to_string(&record).unwrap()],
        )
        .unwrap();
    }
    let store = docket::store::class::open(&ClassTarget::Sqlite(dir.path().to_path_buf())).unwrap();
    assert_eq!(store.meta("mode").unwrap().as_deref(), Some("live"));
    let students = store.students().unwrap();
    assert_eq!(students.len(), 1);
    assert_eq!(students[0].record, record);
}
