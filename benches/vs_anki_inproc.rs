//! docket's side of `benches/vs_anki.py` measured inside one process, as
//! Anki's side is: the same app-layer call `docket` makes for each task,
//! timed without the process start (loading and relocating the executable,
//! clap), repeated in the one process, one line per call:
//! `<wall ms> <CPU ms>` (CPU: user + system of the whole process, every
//! thread, over the call).
//!
//! Built by `benches/vs_anki.sh` (`cargo bench --bench vs_anki_inproc
//! --no-run`); usage, with `--repeat R` (default 1) anywhere:
//!
//! - `cold DATA DECK`: open the store in DATA and the (unchanged) deck,
//!   start a session, get the first card;
//! - `first DATA DECK`: the same on a new, empty store (DATA is removed
//!   and the store made before each call, outside the timing, as Anki's
//!   side makes its empty collection before its timing): read, parse,
//!   check, sync, first card;
//! - `create DATA`: making that empty store alone (DATA removed first);
//! - `answer DATA DECK N`: N answers (`a<item>` to "…item <item>?"), one
//!   line per answer (answer and rating → next card);
//! - `import FILE OUT`: `docket import FILE -o OUT --force`;
//! - `export DECK OUT`: `docket export DECK -o OUT --force` (format from OUT).
//!
//! With `--warm`, the call is made once untimed before the timed ones, so
//! that the timing meets a process that has made it before, as Anki's calls
//! in the long-running benchmark process do (its code paged in, its
//! allocator's heap grown, its one-time set-ups done). For `answer` the
//! untimed answers go to a copy of DATA (`DATA.warm`, removed after), so
//! that the timed ones still find their cards due.

use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::time::Instant;

use docket::app::Collection;
use docket::app::DeckSelection;
use docket::app::NoProgress;
use docket::app::Overrides;
use docket::app::transfer;
use docket::app::transfer::ImportRequest;
use docket::clock::SystemClock;
use docket::interop::Format;
use docket::session::Awaiting;
use docket::session::Event;
use docket::session::view::View;
use docket::store::sqlite::SqliteStore;

/// CPU seconds (user + system) used so far by this process, all threads.
fn cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(u.ru_utime) + t(u.ru_stime)
}

const USAGE: &str = "usage: vs_anki_inproc cold|first DATA DECK | create DATA | answer DATA DECK N \
     | import FILE OUT | export DECK OUT [--repeat R] [--warm]";

/// Set during the untimed warm-up call (`--warm`): nothing is printed.
static WARMING_UP: AtomicBool = AtomicBool::new(false);

/// Runs `f`, printing its wall and CPU time in ms.
fn timed<T>(f: impl FnOnce() -> T) -> T {
    let (c, t) = (cpu(), Instant::now());
    let v = f();
    let wall = t.elapsed().as_secs_f64();
    if !WARMING_UP.load(Ordering::Relaxed) {
        println!("{:.3} {:.3}", wall * 1e3, (cpu() - c) * 1e3);
    }
    v
}

fn open(data: &Path, deck: &Path) -> Result<(Collection, Vec<docket::app::OpenedDeck>), String> {
    let clock = SystemClock::from_env()?;
    let selection = DeckSelection::resolve(&[deck.to_path_buf()]).map_err(|e| e.to_string())?;
    let store = SqliteStore::open_dir(data).map_err(|e| e.to_string())?;
    let mut c = Collection::new(Box::new(store), Box::new(clock));
    let decks = c.open_decks(&selection).map_err(|e| e.to_string())?;
    Ok((c, decks))
}

/// The item number of a generated card's prompt ("…item 123?").
fn item(prompt: &str) -> Option<&str> {
    let rest = &prompt[prompt.rfind("item ")? + 5..];
    rest.split('?').next()
}

/// What a first card leaves open: closing the store (a WAL checkpoint)
/// happens after the timing, as Anki's `col.close()` does.
type Opened = (Collection, Vec<docket::app::OpenedDeck>);

/// Opens the deck and starts a session: the first card's prompt.
fn first_card(data: &Path, deck: &Path) -> Result<(Option<String>, Opened), String> {
    let (mut c, decks) = open(data, deck)?;
    let d = decks.first().ok_or("no deck")?;
    // As `docket study`: the load balancer's counts are read by the
    // session when its first card's outcomes are needed.
    let sched = c
        .scheduler_without_load(d.meta(), &Overrides::default())
        .map_err(|e| e.to_string())?;
    let prompt = {
        let source = d.deck.source();
        let study = c
            .start_session(source.as_ref(), sched, 1)
            .map_err(|e| e.to_string())?;
        prompt_of(&study.first)
    };
    Ok((prompt, (c, decks)))
}

fn prompt_of(views: &[View]) -> Option<String> {
    views.iter().find_map(|v| match v {
        View::Card(c) => Some(c.prompt.clone()),
        _ => None,
    })
}

/// Times the start to the first card.
fn cold(data: &Path, deck: &Path) -> Result<(), String> {
    let (prompt, opened) = timed(|| first_card(data, deck))?;
    drop(opened);
    prompt.ok_or("no first card")?;
    Ok(())
}

/// Opens a session and times each of `answers` answers (answer and
/// rating → the next card).
fn run_answers(data: &Path, deck: &Path, answers: usize) -> Result<(), String> {
    let (mut c, decks) = open(data, deck)?;
    let d = decks.first().ok_or("no deck")?;
    // As `docket study`: the load balancer's counts are read by the
    // session when its first card's outcomes are needed.
    let sched = c
        .scheduler_without_load(d.meta(), &Overrides::default())
        .map_err(|e| e.to_string())?;
    let source = d.deck.source();
    let mut study = c
        .start_session(source.as_ref(), sched, 1)
        .map_err(|e| e.to_string())?;
    let mut prompt = prompt_of(&study.first);
    for _ in 0..answers {
        let Some(p) = prompt.take() else { break };
        let answer = format!("a{}", item(&p).ok_or("not a generated card")?);
        prompt = timed(|| -> Result<_, String> {
            let mut views = study
                .session
                .handle(Event::Answer(answer), study.clock.now())
                .map_err(|e| e.to_string())?;
            if matches!(study.session.awaiting(), Awaiting::Rating { .. }) {
                views = study
                    .session
                    .handle(Event::Rate(None), study.clock.now())
                    .map_err(|e| e.to_string())?;
            }
            Ok(prompt_of(&views))
        })?;
    }
    Ok(())
}

/// Copies the files of a directory without subdirectories (a data
/// directory) into a new one.
fn copy_flat_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 1;
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        repeat = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(1usize);
        args.drain(i..(i + 2).min(args.len()));
    }
    let warm = args.iter().any(|a| a == "--warm");
    args.retain(|a| a != "--warm");
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let calls = repeat + usize::from(warm);
    let r = (0..calls).try_for_each(|call| {
        WARMING_UP.store(warm && call == 0, Ordering::Relaxed);
        match a.as_slice() {
            ["cold", data, deck] => cold(Path::new(data), Path::new(deck)),
            ["first", data, deck] => {
                // As Anki's side (`fresh_collection` before its timing): the
                // new deck meets an empty store made beforehand.
                let _ = std::fs::remove_dir_all(data);
                drop(SqliteStore::open_dir(Path::new(data)).map_err(|e| e.to_string())?);
                cold(Path::new(data), Path::new(deck))
            }
            ["create", data] => {
                // Making the empty store alone.
                let _ = std::fs::remove_dir_all(data);
                timed(|| SqliteStore::open_dir(Path::new(data)).map(drop))
                    .map_err(|e| e.to_string())
            }
            ["answer", data, deck, n] => {
                let n = n.parse().unwrap_or(50);
                if WARMING_UP.load(Ordering::Relaxed) {
                    let scratch = PathBuf::from(format!("{data}.warm"));
                    copy_flat_dir(Path::new(data), &scratch).map_err(|e| e.to_string())?;
                    let r = run_answers(&scratch, Path::new(deck), n);
                    let _ = std::fs::remove_dir_all(&scratch);
                    r
                } else {
                    run_answers(Path::new(data), Path::new(deck), n)
                }
            }
            ["import", file, out] => {
                let file = PathBuf::from(file);
                let format = Format::from_path(&file).ok_or("unknown format")?;
                let req = ImportRequest {
                    file,
                    format,
                    output: Some(PathBuf::from(out)),
                    force: true,
                    update: false,
                    history: false,
                    replace_history: false,
                    rollover_hour: None,
                };
                timed(|| transfer::import(&req, &mut NoProgress))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            ["export", deck, out] => {
                let out = Path::new(out);
                let format = Format::from_path(out).ok_or("unknown format")?;
                timed(|| transfer::export(Path::new(deck), format, out, true, &mut NoProgress))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            _ => Err(USAGE.into()),
        }
    });
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vs_anki_inproc: {e}");
            ExitCode::FAILURE
        }
    }
}
