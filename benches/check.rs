//! Is `docket check` never slower than parsing the file alone? This bench
//! answers with numbers anyone can reproduce: it generates decks of 1,000,
//! 10,000 and 100,000 cards (8 fields a card, every quote proven against a
//! source; about 0.4, 4 and 42 MB) under `target/bench-check/`, then runs,
//! in interleaved rounds (the order flips every round, so drifting machine
//! load hits both alike):
//!
//! - `docket check DECK` (the release binary, as a user runs it), and
//! - the baseline: a process that reads the same file and parses it with
//!   the `toml` crate alone (`toml::from_str::<toml::Table>`), which is
//!   this bench binary run again with `--bare-parse DECK`.
//!
//! Both are whole processes, timed from spawn to exit; CPU time and peak
//! memory come from `wait4`. It prints, per size, the medians and the
//! spread (min–max) of wall time and CPU time, the median of the per-round
//! ratios check / bare parse, docket's peak memory as a multiple of the
//! file, and the load average before and after.
//!
//! Run: `cargo bench --bench check` (`BENCH_ROUNDS=N` for more rounds,
//! `BENCH_SIZES=1000,100000` for other sizes). The 100,000-card deck is
//! also written as `target/bench-check/big.toml`, for profiling:
//! `perf record -g target/release/docket check target/bench-check/big.toml`.

use std::fmt::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Stdio;
use std::time::Instant;

use sha2::Digest;

/// A source text whose sentences the cards quote.
fn source_text() -> String {
    (0..500)
        .map(|i| {
            format!(
                "Sentence number {i} says that agency {i} met on day {} of the year.\n",
                i % 365
            )
        })
        .collect()
}

fn deck_text(source: &str, cards: usize) -> String {
    let sha = hex::encode(sha2::Sha256::digest(source.as_bytes()));
    let mut s = format!(
        "[deck]\nid = \"bench\"\ntitle = \"Benchmark\"\ndescription = \"Generated.\"\n\n\
         [sources.src]\nfile = \"source.txt\"\ntitle = \"Source\"\nsha256 = \"{sha}\"\n"
    );
    for i in 0..cards {
        let q = i % 500;
        write!(
            s,
            "\n[[card]]\nid = \"card-{i}\"\nkind = \"basic\"\n\
             prompt = \"Which agency is listed at position {i} in the generated benchmark deck, and why?\"\n\
             answer = \"Agency number {q}\"\naccept = [\"agency {q}\", \"#{q}\"]\n\
             explanation = \"Card {i} exists to measure how fast a large deck is parsed and checked by docket.\"\n\
             topics = [\"agencies\", \"numbers\"]\n\
             evidence = [{{ source = \"src\", quote = \"Sentence number {q} says that agency {q} met\" }}]\n"
        )
        .expect("writing to a String cannot fail");
    }
    s
}

/// Wall seconds, CPU seconds (user + system) and peak resident KiB of one
/// child process, which must exit successfully.
// The child is reaped by `wait4`, which also gives its own rusage (std's
// `wait` gives no CPU time or peak memory).
#[allow(clippy::zombie_processes)]
fn run(cmd: &mut Command) -> (f64, f64, i64) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(got, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed: status {status}"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        wall,
        secs(usage.ru_utime) + secs(usage.ru_stime),
        usage.ru_maxrss,
    )
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn spread(v: &[f64]) -> (f64, f64) {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The baseline process: read the file, parse it with the `toml` crate.
fn bare_parse(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read the deck");
    let table: toml::Table = toml::from_str(&text).expect("the deck is valid TOML");
    std::hint::black_box(table);
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--bare-parse") {
        bare_parse(Path::new(&args[i + 1]));
        return;
    }
    // `cargo test --benches` runs bench binaries without `--bench`: generate
    // nothing and time nothing then.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let docket = env!("CARGO_BIN_EXE_docket");
    let me = std::env::current_exe().expect("the bench binary's path");
    let dir = Path::new("target/bench-check");
    std::fs::create_dir_all(dir).expect("create target/bench-check");
    let source = source_text();
    std::fs::write(dir.join("source.txt"), &source).expect("write the source");
    let rounds = env_list("BENCH_ROUNDS", &[11])[0].max(1);

    println!("docket check vs bare toml parse, {rounds} interleaved rounds per size");
    println!(
        "{:>7} {:>7} | {:>22} {:>22} | {:>13} {:>13} | {:>10} | load before/after",
        "cards",
        "MB",
        "check wall s med (min-max)",
        "parse wall s med (min-max)",
        "wall ratio",
        "cpu ratio",
        "peak/file"
    );
    for cards in env_list("BENCH_SIZES", &[1_000, 10_000, 100_000]) {
        let text = deck_text(&source, cards);
        let path: PathBuf = if cards == 100_000 {
            dir.join("big.toml")
        } else {
            dir.join(format!("deck-{cards}.toml"))
        };
        std::fs::write(&path, &text).expect("write the deck");
        let load_before = loadavg();
        let (mut cw, mut cc, mut pw, mut pc, mut rw, mut rc, mut peak) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            0i64,
        );
        // One unmeasured run of each warms the page cache.
        run(Command::new(docket).arg("check").arg(&path));
        run(Command::new(&me).arg("--bare-parse").arg(&path));
        for round in 0..rounds {
            let check = || run(Command::new(docket).arg("check").arg(&path));
            let parse = || run(Command::new(&me).arg("--bare-parse").arg(&path));
            let (c, p) = if round % 2 == 0 {
                let c = check();
                (c, parse())
            } else {
                let p = parse();
                (check(), p)
            };
            cw.push(c.0);
            cc.push(c.1);
            pw.push(p.0);
            pc.push(p.1);
            rw.push(c.0 / p.0);
            rc.push(c.1 / p.1);
            peak = peak.max(c.2);
        }
        let (cmin, cmax) = spread(&cw);
        let (pmin, pmax) = spread(&pw);
        let (rwmin, rwmax) = spread(&rw);
        let (rcmin, rcmax) = spread(&rc);
        println!(
            "{cards:>7} {:>7.1} | {:>8.4} ({:.4}-{:.4}) {:>8.4} ({:.4}-{:.4}) | {:.2} ({:.2}-{:.2}) {:.2} ({:.2}-{:.2}) | {:>9.2}x | {load_before} / {}",
            text.len() as f64 / 1e6,
            median(&cw),
            cmin,
            cmax,
            median(&pw),
            pmin,
            pmax,
            median(&rw),
            rwmin,
            rwmax,
            median(&rc),
            rcmin,
            rcmax,
            peak as f64 * 1024.0 / text.len() as f64,
            loadavg(),
        );
        println!(
            "{:>17} check cpu s med {:.4}, parse cpu s med {:.4}, docket peak {:.1} MB",
            "",
            median(&cc),
            median(&pc),
            peak as f64 * 1024.0 / 1e6
        );
    }
}
