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
use super::args::ServeArgs;
use super::output;
use super::output::EXIT_OK;
use crate::app::AppError;
use crate::app::class;
use crate::app::class::Limits;
use crate::app::class::Mode;
use crate::app::class::ServeRequest;
use crate::web;

/// Runs `docket class`.
pub fn run(args: &ClassArgs) -> anyhow::Result<u8> {
    let (sub, outcome) = match &args.command {
        ClassCommand::Serve(a) => ("serve", serve(a)),
        ClassCommand::Export(a) => ("export", export(a)),
    };
    match outcome {
        Ok(code) => Ok(code),
        Err(e) => Ok(output::report(&format!("docket class {sub}"), &e)),
    }
}

fn serve(a: &ServeArgs) -> Result<u8, AppError> {
    let (classroom, opened) = class::open(&ServeRequest {
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
    })?;
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
    let done = class::export(&a.data, &a.out)?;
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
