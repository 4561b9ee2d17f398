//! A school on PostgreSQL: load a simulated term, time the term report,
//! then 300 students answering one class concurrently.
//!
//! `cargo bench --bench school` starts a throwaway cluster (as the tests
//! do, `tests/pg_support`), or uses `DOCKET_BENCH_DB=<connection string>`
//! (it must name an empty database). The term: `SCHOOL_STUDENTS` students
//! (10,000) each answering `SCHOOL_ITEMS` items (1,000), in classes of 50
//! of 50 teachers, right or wrong by a Rasch model (ability and difficulty
//! normal, seed 17); loaded with `COPY` through psql. Then the term report
//! is timed for the whole school and for one teacher, and 300 students
//! (`SCHOOL_CLASS`) join one class kept in the database and answer a
//! 20-item form, pausing `SCHOOL_THINK_MS` (mean, 400) before each answer;
//! the latency of each answer (the journal's commit included) gives p50
//! and p99. Memory: this process's peak resident set, which never holds
//! the term's answers. Not a test: it asserts nothing about time.

#[path = "../tests/pg_support/mod.rs"]
mod pg_support;

use std::io::Write;
use std::process::Command;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use docket::app::class;
use docket::app::class::Limits;
use docket::app::class::Nav;
use docket::app::class::ServeRequest;
use docket::store::class::ClassTarget;
use docket::store::class::PgOptions;
use docket::store::class::school::School;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn env_usize(k: &str, default: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn normal(rng: &mut StdRng) -> f64 {
    // Box–Muller.
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn psql(conn: &str, sql: &str) {
    let st = Command::new("psql")
        .arg(conn)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .status()
        .expect("psql runs");
    assert!(st.success(), "psql: {sql}");
}

/// `COPY table FROM STDIN` with rows written by `fill`.
fn copy(conn: &str, table: &str, fill: impl FnOnce(&mut dyn Write)) {
    let mut child = Command::new("psql")
        .arg(conn)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("COPY {table} FROM STDIN"))
        .stdin(Stdio::piped())
        .spawn()
        .expect("psql runs");
    {
        let stdin = child.stdin.take().expect("stdin");
        let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
        fill(&mut w);
        w.flush().expect("copy");
    }
    assert!(child.wait().expect("psql").success(), "COPY {table}");
}

fn main() {
    let cluster;
    let url = match std::env::var("DOCKET_BENCH_DB") {
        Ok(u) => u,
        Err(_) => {
            cluster = pg_support::Cluster::start().expect("a PostgreSQL cluster");
            cluster.database("school")
        }
    };
    let students = env_usize("SCHOOL_STUDENTS", 10_000);
    let items = env_usize("SCHOOL_ITEMS", 1_000);
    let per_class = 50;
    let teachers = 50;
    let classes = students.div_ceil(per_class);
    let options = PgOptions::default();

    // The schema, by the store's own migrations.
    let school = School::connect(&url, &options).expect("connect");

    let t0 = Instant::now();
    psql(
        &url,
        &format!(
            "INSERT INTO teachers (name) SELECT 'teacher-' || g FROM generate_series(1, {teachers}) g;
             INSERT INTO terms (name) VALUES ('2026-autumn');
             INSERT INTO classes (teacher_id, term_id, name)
               SELECT 1 + (g - 1) % {teachers}, 1, 'class-' || g FROM generate_series(1, {classes}) g;
             INSERT INTO items (deck_id, card_id) SELECT 'bank', 'card-' || g FROM generate_series(1, {items}) g;
             INSERT INTO class_items (class_id, position, item_id)
               SELECT c, p - 1, p FROM generate_series(1, {classes}) c, generate_series(1, {items}) p;"
        ),
    );
    let mut rng = StdRng::seed_from_u64(17);
    let difficulty: Vec<f64> = (0..items).map(|_| normal(&mut rng)).collect();
    let ability: Vec<f64> = (0..students).map(|_| normal(&mut rng)).collect();
    let mut scores = vec![0u32; students];
    copy(
        &url,
        "answers (class_id, student_id, position, item_id, response, correct, seconds)",
        |w| {
            for (s, theta) in ability.iter().enumerate() {
                let (class_id, sid) = (s / per_class + 1, s % per_class + 1);
                for (i, b) in difficulty.iter().enumerate() {
                    let p = 1.0 / (1.0 + (b - theta).exp());
                    let right = rng.random::<f64>() < p;
                    scores[s] += u32::from(right);
                    let (resp, c) = if right { ("a", 't') } else { ("b", 'f') };
                    let secs = rng.random_range(5..60);
                    let _ = writeln!(w, "{class_id}\t{sid}\t{i}\t{}\t{resp}\t{c}\t{secs}", i + 1);
                }
            }
        },
    );
    copy(
        &url,
        "students (class_id, id, name, token, record, submitted, score)",
        |w| {
            for (s, score) in scores.iter().enumerate() {
                let (class_id, sid) = (s / per_class + 1, s % per_class + 1);
                let _ = writeln!(
                    w,
                    "{class_id}\t{sid}\tstudent-{s}\ttok-{s}\t{{}}\tt\t{score}"
                );
            }
        },
    );
    psql(&url, "VACUUM ANALYZE");
    let load = t0.elapsed();
    println!(
        "loaded a term: {students} students x {items} items = {} answers in {classes} classes of {teachers} teachers, {:.1} s (COPY, indexes kept)",
        students * items,
        load.as_secs_f64()
    );

    let rss_before = status_kib("VmRSS:");
    for run in 1..=3 {
        let t = Instant::now();
        let report = school
            .term_report("2026-autumn", None)
            .expect("term report");
        let took = t.elapsed();
        println!(
            "term report (whole school), run {run}: {:.2} s: {} classes, {} sittings, {} answers, {} items, mean {:.1}%",
            took.as_secs_f64(),
            report.classes,
            report.sittings,
            report.answers,
            report.items.len(),
            report.mean_score.unwrap_or(f64::NAN)
        );
    }
    let t = Instant::now();
    let mine = school
        .term_report("2026-autumn", Some("teacher-7"))
        .expect("term report");
    println!(
        "term report (one teacher, {} sittings): {:.2} s",
        mine.sittings,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let card = format!("card-{}", items.div_ceil(2));
    let item = school.item(None, "bank", &card).expect("item");
    println!(
        "one item over every class ({} classes, {} answers): {:.3} s",
        item.classes.len(),
        item.overall.n,
        t.elapsed().as_secs_f64()
    );
    println!(
        "bench process memory: resident {} MB before the reports, {} MB after, peak {} MB",
        rss_before / 1024,
        status_kib("VmRSS:") / 1024,
        status_kib("VmHWM:") / 1024
    );

    // 300 students answering one class kept in the database.
    let n = env_usize("SCHOOL_CLASS", 300);
    let think = env_usize("SCHOOL_THINK_MS", 400) as u64;
    let dir = tempfile::tempdir().expect("tempdir");
    docket::app::quiz::make(&docket::app::quiz::MakeRequest {
        deck: None,
        sources: None,
        items: Some(20),
        topics: Vec::new(),
        kinds: Vec::new(),
        seed: 7,
        time_limit: None,
        form: dir.path().join("quiz.json"),
        key: None,
        force: true,
    })
    .expect("form");
    let target = ClassTarget::Postgres {
        url: url.clone(),
        teacher: "teacher-1".into(),
        term: "2026-autumn".into(),
        class: "live-300".into(),
        options,
    };
    let (room, _) = class::open_with(
        &ServeRequest {
            deck: None,
            sources: None,
            items: None,
            time_limit: None,
            form: Some(dir.path().join("quiz.json")),
            key: Some(dir.path().join("quiz.key.json")),
            data: dir.path().join("data"),
            live: false,
            limits: Limits {
                max_students: n + 10,
                ..Limits::default()
            },
        },
        &target,
    )
    .expect("class");
    let room = Arc::new(room);
    let code = room.read(|c| c.join_code.clone());
    let form_items = room.read(|c| c.items());
    let rss_class = status_kib("VmRSS:");
    let start = Instant::now();
    let threads: Vec<_> = (0..n)
        .map(|s| {
            let (room, code) = (room.clone(), code.clone());
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(1000 + s as u64);
                let token = room
                    .join(&format!("student {s}"), &code, None, None)
                    .expect("join");
                let mut lat = Vec::with_capacity(form_items);
                for i in 0..form_items {
                    if think > 0 {
                        std::thread::sleep(Duration::from_millis(rng.random_range(0..2 * think)));
                    }
                    let answer = ["a", "b", "c"][rng.random_range(0..3)];
                    let t = Instant::now();
                    room.act(&token, Some(i), Some(answer), Nav::Next)
                        .expect("answer");
                    lat.push(t.elapsed());
                }
                room.hand_in(&token).expect("hand in");
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("student"))
        .collect();
    let wall = start.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{n} students x {form_items} answers, think {think} ms mean: {} answers in {:.1} s ({:.0}/s); latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
    println!(
        "class memory: resident {} MB with the class open, {} MB after {n} students ({} KB per student, threads' stacks included)",
        rss_class / 1024,
        status_kib("VmRSS:") / 1024,
        status_kib("VmRSS:").saturating_sub(rss_class) / n.max(1) as u64
    );
    let t = Instant::now();
    let report = school
        .term_report("2026-autumn", Some("teacher-1"))
        .expect("report");
    println!(
        "teacher-1's term report with the live class: {} sittings, {:.2} s",
        report.sittings,
        t.elapsed().as_secs_f64()
    );
}
