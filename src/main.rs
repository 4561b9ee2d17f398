//! The `docket` binary: a thin shell over [`docket::run`].

fn main() -> std::process::ExitCode {
    docket::run(std::env::args_os())
}
