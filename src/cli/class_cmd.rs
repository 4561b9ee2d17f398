//! `docket class`: serve a quiz to a room of phone browsers
//! ([`crate::web`] over [`crate::app::class`]), and export a class's
//! sittings as result files.

use std::io::Write;
use std::net::IpAddr;
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::args::ClassArgs;
use super::args::ClassCommand;
use super::args::ClassExportArgs;
use super::args::ClassListArgs;
use super::args::ItemStatsArgs;
use super::args::SchoolClassArgs;
use super::args::SchoolDbArgs;
use super::args::ServeArgs;
use super::args::TermReportArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::class;
use crate::app::class::Limits;
use crate::app::class::Mode;
use crate::app::class::ServeRequest;
use crate::app::class::school;
use crate::app::class::school::ClassTarget;
use crate::app::class::school::ItemFigures;
use crate::app::class::school::SchoolClass;
use crate::app::class::school::SchoolDb;
use crate::quiz::report::num;
use crate::sanitize::clean;
use crate::web;

/// Runs `docket class`.
pub fn run(args: &ClassArgs) -> anyhow::Result<u8> {
    let (sub, outcome) = match &args.command {
        ClassCommand::Serve(a) => ("serve", serve(a)),
        ClassCommand::Export(a) => ("export", export(a)),
        ClassCommand::Classes(a) => ("classes", classes(a)),
        ClassCommand::TermReport(a) => ("term-report", term_report(a)),
        ClassCommand::Item(a) => ("item", item(a)),
    };
    match outcome {
        Ok(code) => Ok(code),
        Err(e) => Ok(output::report(&format!("docket class {sub}"), &e)),
    }
}

fn school_db(a: &SchoolDbArgs) -> Option<SchoolDb> {
    a.db.as_ref().map(|url| SchoolDb {
        url: url.clone(),
        pool_size: a.pool_size,
        wait_seconds: a.pool_wait,
        reconnect_seconds: a.reconnect,
    })
}

fn require_db(a: &SchoolDbArgs) -> Result<SchoolDb, AppError> {
    school_db(a).ok_or_else(|| {
        AppError::Request(format!(
            "name the school's database with --db postgres://… (or set {})",
            school::DB_ENV
        ))
    })
}

fn class_target(
    db: &SchoolDbArgs,
    which: &SchoolClassArgs,
    data: &std::path::Path,
) -> Result<ClassTarget, AppError> {
    school::target(
        school_db(db).as_ref(),
        &SchoolClass {
            teacher: which.teacher.clone(),
            term: which.term.clone(),
            class: which.class_name.clone(),
        },
        data,
    )
}

fn serve(a: &ServeArgs) -> Result<u8, AppError> {
    let target = class_target(&a.school, &a.which, &a.data)?;
    let (classroom, opened) = class::open_with(
        &ServeRequest {
            deck: a.deck.clone(),
            sources: a.sources.clone(),
            items: a.items,
            time_limit: a.time_limit,
            form: a.form.clone(),
            key: a.key.clone(),
            data: a.data.clone(),
            live: a.live,
            limits: Limits {
                max_students: a.max_students,
                ..Limits::default()
            },
        },
        &target,
    )?;
    let bind = if a.lan {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        a.bind
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Failed(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((bind, a.port))
            .await
            .map_err(|e| {
                AppError::Request(format!(
                    "cannot listen on {bind}:{}: {e} (another class running? try --port)",
                    a.port
                ))
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| AppError::Failed(e.to_string()))?
            .port();
        let host = if bind.is_unspecified() {
            web::lan_address().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
        } else {
            bind
        };
        let host = match host {
            IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        let classroom = Arc::new(classroom);
        let code = classroom.read(|c| c.join_code.clone());
        let join_url = format!("http://{host}:{port}/?code={code}");
        let state = web::State::new(classroom.clone(), join_url.clone(), web::Bounds::default());
        if opened.resumed {
            let _ = writeln!(
                std::io::stderr(),
                "Carrying on the class in {} ({} students so far).",
                a.data.display(),
                opened.students
            );
        }
        let mode = match opened.mode {
            Mode::Live => "live round",
            Mode::SelfPaced => "self-paced",
        };
        // Written without panicking: a closed terminal or pipe must not
        // stop the class.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "docket class: {} items, {mode}\n", opened.items);
        let _ = writeln!(out, "Teacher (keep this address to yourself): {}", state.teacher_url());
        let _ = writeln!(out, "Students join at: {join_url}");
        let _ = writeln!(out, "Join code: {code}");
        if let Some(qr) = web::qr::terminal(&join_url) {
            let _ = writeln!(out, "{qr}");
        }
        let _ = if bind.is_loopback() {
            writeln!(out, "Listening on this computer only; add --lan to let phones on the network join.")
        } else {
            writeln!(out, "Listening on the network at {bind}:{port}. Press Ctrl-C to stop.")
        };
        let _ = out.flush();
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        web::serve(listener, state, shutdown)
            .await
            .map_err(|e| AppError::Failed(format!("the server stopped: {e}")))?;
        let _ = writeln!(
            std::io::stderr(),
            "Class stopped. Every answer is kept in {}; serve it again to carry on, or `docket class export --data {} DIR`.",
            a.data.display(),
            a.data.display()
        );
        Ok(EXIT_OK)
    })
}

fn export(a: &ClassExportArgs) -> Result<u8, AppError> {
    let target = class_target(&a.school, &a.which, &a.data)?;
    let done = class::export_with(&target, &a.data, &a.out)?;
    if let Some(dir) = &a.into_sqlite {
        let n = class::copy(&target, &ClassTarget::Sqlite(dir.clone()))?;
        eprintln!(
            "copied the class ({n} students) into {}: `docket class serve --data {}` carries it on without the database",
            crate::sanitize::path(dir),
            crate::sanitize::path(dir)
        );
    }
    let names = |v: &[String]| {
        v.iter()
            .map(|n| crate::sanitize::one_line(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !done.timed_out.is_empty() {
        eprintln!(
            "handed in, their time limit having passed: {}",
            names(&done.timed_out)
        );
    }
    if !done.not_handed_in.is_empty() {
        eprintln!(
            "not handed in (exported unfinished; the report lists them as never submitted): {}",
            names(&done.not_handed_in)
        );
    }
    eprintln!(
        "wrote {} result files into {}\nreport: docket quiz report {} {}",
        done.files.len(),
        a.out.display(),
        a.data.join("key.json").display(),
        a.out.display()
    );
    Ok(EXIT_OK)
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<u8, AppError> {
    let text = serde_json::to_string_pretty(v).map_err(|e| AppError::Failed(e.to_string()))?;
    println!("{text}");
    Ok(EXIT_OK)
}

fn figures_cells(f: &ItemFigures) -> String {
    format!(
        "{:>7} {:>8} {:>6} {:>7} {:>7}",
        f.n,
        num(f.facility, 1),
        num(f.sd, 1),
        num(f.discrimination_index, 1),
        num(f.point_biserial, 1)
    )
}

const FIGURES_HEAD: &str = "      n facility     SD  discr.  pt-bis";

fn classes(a: &ClassListArgs) -> Result<u8, AppError> {
    let db = require_db(&a.db)?;
    let list = school::classes(&db, &a.teacher)?;
    if a.json {
        return print_json(&list);
    }
    if list.is_empty() {
        eprintln!("{} has no classes in this database.", clean(&a.teacher));
        return Ok(EXIT_OK);
    }
    println!(
        "{:<20} {:<24} {:>8} {:>8} {:>6} {:>6}",
        "term", "class", "students", "handed", "items", "mean%"
    );
    for c in &list {
        println!(
            "{:<20} {:<24} {:>8} {:>8} {:>6} {:>6}",
            clean(&c.term),
            clean(&c.class),
            c.students,
            c.submitted,
            c.items,
            num(c.mean_score, 1)
        );
    }
    Ok(EXIT_OK)
}

fn term_report(a: &TermReportArgs) -> Result<u8, AppError> {
    let db = require_db(&a.db)?;
    let r = school::term_report(&db, &a.term, a.teacher.as_deref())?;
    if a.json {
        return print_json(&r);
    }
    let whose = match &r.teacher {
        Some(t) => format!("teacher {}", clean(t)),
        None => "the whole school".to_string(),
    };
    println!(
        "Term {} ({whose}): {} classes, {} sittings handed in, {} answers; mean score {}% (SD {})",
        clean(&r.term),
        r.classes,
        r.sittings,
        r.answers,
        num(r.mean_score, 1),
        num(r.sd_score, 1)
    );
    println!("\n{:<40} {:>7} {FIGURES_HEAD}", "deck / card", "classes");
    for i in &r.items {
        println!(
            "{:<40} {:>7} {}",
            clean(&format!("{} / {}", i.deck_id, i.card_id)),
            i.classes,
            figures_cells(&i.figures)
        );
    }
    Ok(EXIT_OK)
}

fn item(a: &ItemStatsArgs) -> Result<u8, AppError> {
    let db = require_db(&a.db)?;
    let r = school::item(&db, a.teacher.as_deref(), &a.deck, &a.card)?;
    if a.json {
        return print_json(&r);
    }
    println!("Item {} / {}", clean(&r.deck_id), clean(&r.card_id));
    println!(
        "\n{:<16} {:<16} {:<20} {FIGURES_HEAD}",
        "teacher", "term", "class"
    );
    for c in &r.classes {
        println!(
            "{:<16} {:<16} {:<20} {}",
            clean(&c.teacher),
            clean(&c.term),
            clean(&c.class),
            figures_cells(&c.figures)
        );
    }
    println!("{:<54} {}", "every class", figures_cells(&r.overall));
    Ok(EXIT_OK)
}
