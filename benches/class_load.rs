//! Load on loopback: 300 simulated students join a `docket class serve`
//! (the release binary, in its own process) and answer a 20-item form
//! concurrently, each on its own connection. Prints the p50 and p99
//! answer latency, the server's memory per student (its resident set
//! before and after), and the time from the last answer to the report.
//!
//! `cargo bench --bench class_load` (`CLASS_STUDENTS=N` for another
//! class size; `CLASS_THINK_MS=M` for a mean pause of M ms before each
//! answer, as real students take; 0, the default, saturates the server;
//! `CLASS_INLINE_CHECKPOINTS=1` to have SQLite checkpoint the journal
//! inside the answers' commits, as before the checkpoint thread, for a
//! before-and-after comparison).
//! Not a test: it asserts nothing about time.

use std::io::BufRead;
use std::io::BufReader;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

type Http = Client<HttpConnector, String>;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU seconds the process has used (user + system).
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which ends with ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    ticks as f64 / 100.0
}

async fn request(
    http: &Http,
    method: &str,
    url: &str,
    cookie: Option<&str>,
    body: String,
) -> (u16, Option<String>, Duration) {
    let start = Instant::now();
    let mut b = axum::http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    let r = http.request(b.body(body).unwrap()).await.expect("request");
    let status = r.status().as_u16();
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string());
    let _ = r.into_body().collect().await;
    (status, set, start.elapsed())
}

fn main() {
    let students: usize = std::env::var("CLASS_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let items = 20;
    // Mean pause before each answer (0: every student answers as fast as
    // the server replies, the saturating case).
    let think_ms: u64 = std::env::var("CLASS_THINK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("class");
    let inline = std::env::var("CLASS_INLINE_CHECKPOINTS").is_ok_and(|v| v == "1");
    let mut child = Command::new(env!("CARGO_BIN_EXE_docket"))
        .env(
            "DOCKET_CLASS_INLINE_CHECKPOINTS",
            if inline { "1" } else { "0" },
        )
        .args([
            "class",
            "serve",
            "--port",
            "0",
            "--items",
            &items.to_string(),
        ])
        .arg("--data")
        .arg(&data)
        .args(["--max-students", &students.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("docket class serve");
    let pid = child.id();
    let mut teacher = String::new();
    let mut join = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("Teacher (keep this address to yourself): ") {
            teacher = u.to_string();
        }
        if let Some(u) = line.strip_prefix("Students join at: ") {
            join = u.to_string();
            break;
        }
    }
    let (base, code) = join.split_once("/?code=").expect("a join URL");
    let (base, code) = (base.to_string(), code.to_string());
    let form = docket::quiz::form::Form::read(&data.join("form.json")).unwrap();
    let key = docket::quiz::form::Key::read(&data.join("key.json")).unwrap();
    let right: Vec<String> = (0..items)
        .map(|i| {
            let (card, shown) = key.graded_item(i);
            docket::grade::expected_response(&card, &shown)
        })
        .collect();
    let _ = form;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let http: Http = Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let before = rss_kib(pid);
    let cpu_before = cpu_secs(pid);
    let started = Instant::now();
    let (mut latencies, last_answer) = rt.block_on(async {
        let mut tasks = Vec::new();
        for n in 0..students {
            let http = http.clone();
            let (base, code, right) = (base.clone(), code.clone(), right.clone());
            tasks.push(tokio::spawn(async move {
                let body = format!("name=student-{n}&code={code}");
                let (status, cookie, _) =
                    request(&http, "POST", &format!("{base}/join"), None, body).await;
                assert_eq!(status, 303, "join");
                let cookie = cookie.expect("a cookie");
                let mut times = Vec::with_capacity(right.len());
                for (i, a) in right.iter().enumerate() {
                    if think_ms > 0 {
                        // Spread evenly over 0..2×mean, fixed by student and item.
                        let spread = ((n * 7919 + i * 104_729) % 1000) as u64;
                        tokio::time::sleep(Duration::from_millis(think_ms * 2 * spread / 1000))
                            .await;
                    }
                    // Every third student gets one wrong, so the items differ.
                    let answer = if (n + i) % 3 == 0 {
                        "zz-wrong".to_string()
                    } else {
                        a.clone()
                    };
                    let body = form_urlencoded::Serializer::new(String::new())
                        .append_pair("item", &(i + 1).to_string())
                        .append_pair("answer", &answer)
                        .append_pair("nav", "next")
                        .finish();
                    let (status, _, t) = request(
                        &http,
                        "POST",
                        &format!("{base}/s/answer"),
                        Some(&cookie),
                        body,
                    )
                    .await;
                    assert!(status == 303 || status == 422, "answer: {status}");
                    times.push(t);
                }
                let (status, _, _) = request(
                    &http,
                    "POST",
                    &format!("{base}/s/submit"),
                    Some(&cookie),
                    "confirm=yes".into(),
                )
                .await;
                assert_eq!(status, 303, "submit");
                (times, Instant::now())
            }));
        }
        let mut all = Vec::new();
        let mut last = started;
        for t in tasks {
            let (times, done) = t.await.unwrap();
            all.extend(times);
            last = last.max(done);
        }
        (all, last)
    });
    let after = rss_kib(pid);
    let cpu = cpu_secs(pid) - cpu_before;
    let report_start = Instant::now();
    let (status, _, report_time) = rt.block_on(request(
        &http,
        "GET",
        &format!("{teacher}/report"),
        None,
        String::new(),
    ));
    assert_eq!(status, 200, "report");
    let to_report = report_start.duration_since(last_answer) + report_time;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "class_load: {students} students × {items} items on loopback ({}), {} answers in {:.2?}",
        if inline {
            "checkpoints inside the commits"
        } else {
            "checkpoints on their own thread"
        },
        latencies.len(),
        last_answer - started
    );
    println!(
        "answer latency: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        pct(0.50),
        pct(0.99),
        latencies[latencies.len() - 1]
    );
    println!(
        "server memory: {before} KiB before joining, {after} KiB after; {:.1} KiB per student",
        (after.saturating_sub(before)) as f64 / students as f64
    );
    println!(
        "server CPU: {cpu:.2} s for {} requests ({:.0} µs each)",
        latencies.len() + 2 * students,
        cpu * 1e6 / (latencies.len() + 2 * students) as f64
    );
    println!("last answer to the report (exported, graded, drawn): {to_report:.2?}");
    let _ = child.kill();
    let _ = child.wait();
}
