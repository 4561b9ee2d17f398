//! `docket class` from the command line: usage errors, and a real server
//! process that is killed mid-class and started again on the same data
//! directory, then exported for `docket quiz report`.

use std::io::BufRead;
use std::io::BufReader;
use std::io::Read;
use std::io::Write;
use std::net::TcpStream;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;

use assert_cmd::cargo::CommandCargoExt;

fn docket() -> Command {
    let mut c = Command::cargo_bin("docket").unwrap();
    c.env_remove("NO_COLOR");
    c
}

#[test]
fn missing_files_and_half_a_form_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["class", "serve", "nope.toml", "--port", "0", "--data", "c"][..],
        &[
            "class",
            "serve",
            "--form",
            "nope.json",
            "--key",
            "k.json",
            "--port",
            "0",
            "--data",
            "c",
        ],
        &["class", "export", "out", "--data", "nope-class"],
    ] {
        let out = docket().current_dir(d).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("nope"), "{args:?}: {err}");
    }
    assert!(
        !d.join("c").exists(),
        "nothing is made for a failed request"
    );
    let out = docket()
        .current_dir(d)
        .args(["class", "serve", "--form", "f.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

struct Server {
    child: Child,
    teacher: String,
    join: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &std::path::Path) -> Server {
    serve_with(data, None, &[])
}

/// Serves with `DOCKET_NOW` set to `now`, and these extra arguments.
fn serve_with(data: &std::path::Path, now: Option<&str>, extra: &[&str]) -> Server {
    let mut cmd = docket();
    if let Some(now) = now {
        cmd.env("DOCKET_NOW", now);
    }
    let mut child = cmd
        .args(["class", "serve", "--items", "3", "--port", "0", "--data"])
        .arg(data)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    assert!(
        join.starts_with("http://127.0.0.1:"),
        "loopback by default: {join}"
    );
    Server {
        child,
        teacher,
        join,
    }
}

/// One HTTP/1.1 request; returns the status line's code and the whole reply.
fn http(url: &str, method: &str, cookie: Option<&str>, body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = TcpStream::connect(host).unwrap();
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let code = reply.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, reply)
}

#[test]
fn a_killed_server_carries_on_and_its_class_exports_for_quiz_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("class");
    let first = serve(&data);
    let (base, code) = first.join.split_once("/?code=").unwrap();
    let (status, reply) = http(
        &format!("{base}/join"),
        "POST",
        None,
        &format!("name=Ana&code={code}"),
    );
    assert_eq!(status, 303);
    let cookie = reply
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, _) = http(
        &format!("{base}/s/answer"),
        "POST",
        Some(&cookie),
        "item=1&answer=&nav=next",
    );
    assert_eq!(status, 303);
    let teacher = first.teacher.clone();
    drop(first); // killed, not stopped
    let second = serve(&data);
    assert_eq!(
        second.teacher.split("/t/").nth(1),
        teacher.split("/t/").nth(1),
        "the same teacher token"
    );
    let (base, _) = second.join.split_once("/?code=").unwrap();
    let (status, page) = http(&format!("{base}/s"), "GET", Some(&cookie), "");
    assert_eq!(status, 200);
    assert!(page.contains("item 2 of 3"), "{page}");
    http(
        &format!("{base}/s/answer"),
        "POST",
        Some(&cookie),
        "item=2&nav=review",
    );
    let (status, _) = http(
        &format!("{base}/s/submit"),
        "POST",
        Some(&cookie),
        "confirm=yes",
    );
    assert_eq!(status, 303);
    drop(second);
    let out = dir.path().join("results");
    let exported = docket()
        .args(["class", "export"])
        .arg(&out)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let report = docket()
        .args(["quiz", "report", "--json"])
        .arg(data.join("key.json"))
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["students"][0]["student"], "Ana");
}

/// Joins `name`; returns the cookie.
fn join_as(server: &Server, name: &str) -> String {
    let (base, code) = server.join.split_once("/?code=").unwrap();
    let (status, reply) = http(
        &format!("{base}/join"),
        "POST",
        None,
        &format!("name={name}&code={code}"),
    );
    assert_eq!(status, 303, "{reply}");
    reply
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn export_of_a_stopped_class_hands_in_the_sittings_whose_time_is_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("class");
    // A one-minute form. Ana joins at 09:00:00, Bo at 09:00:50; the server
    // is killed each time, and the class exported at 09:01:10: Ana's time
    // is up (as `quiz take` would have found), Bo's is not.
    let first = serve_with(&data, Some("2026-03-02T09:00:00Z"), &["--time-limit", "1"]);
    let ana = join_as(&first, "Ana");
    let (base, _) = first.join.split_once("/?code=").unwrap();
    let (status, _) = http(
        &format!("{base}/s/answer"),
        "POST",
        Some(&ana),
        "item=1&answer=&nav=next",
    );
    assert_eq!(status, 303);
    drop(first);
    let second = serve_with(&data, Some("2026-03-02T09:00:50Z"), &[]);
    join_as(&second, "Bo");
    drop(second);
    let out = dir.path().join("results");
    let export = || {
        docket()
            .env("DOCKET_NOW", "2026-03-02T09:01:10Z")
            .args(["class", "export"])
            .arg(&out)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap()
    };
    let exported = export();
    let err = String::from_utf8_lossy(&exported.stderr);
    assert!(exported.status.success(), "{err}");
    assert!(
        err.contains("handed in, their time limit having passed: Ana"),
        "{err}"
    );
    assert!(err.contains("not handed in"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("not handed in") && l.contains("Bo") && !l.contains("Ana")),
        "{err}"
    );
    let read = |name: &str| -> serde_json::Value {
        let f = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().contains(name))
            .unwrap();
        serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()
    };
    let ana_file = read("ana");
    assert_eq!(ana_file["submitted"]["time_up"], true, "{ana_file}");
    assert!(read("bo")["submitted"].is_null());
    // The journal keeps Ana handed in: exporting again changes nothing,
    // and a server started again shows her receipt.
    let again = export();
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stderr).contains("their time limit"));
    assert_eq!(read("ana"), ana_file);
    let report = docket()
        .args(["quiz", "report", "--json"])
        .arg(data.join("key.json"))
        .arg(&out)
        .output()
        .unwrap();
    // Ana is graded; Bo's unfinished sitting is named as never submitted
    // (which makes the exit code 1, as for any class with such a file).
    let report_err = String::from_utf8_lossy(&report.stderr);
    assert_eq!(report.status.code(), Some(1), "{report_err}");
    assert!(
        report_err.contains("bo.json") && report_err.contains("never submitted"),
        "{report_err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["students"].as_array().unwrap().len(), 1, "{json}");
    let receipt = ana_file["submitted"]["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(json.to_string().contains(&receipt), "{json}");
    let third = serve_with(&data, Some("2026-03-02T09:01:20Z"), &[]);
    let (base, _) = third.join.split_once("/?code=").unwrap();
    let (status, page) = http(&format!("{base}/s"), "GET", Some(&ana), "");
    assert_eq!(status, 200);
    assert!(page.contains(&receipt), "{page}");
}
