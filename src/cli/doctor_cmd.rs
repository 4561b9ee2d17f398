//! `docket doctor [--repair]`: the progress file checked in full, and,
//! when damaged, what can be saved copied into a new one.

use super::args::DoctorArgs;
use super::output;
use super::output::EXIT_FAILURE;
use super::output::EXIT_OK;

/// Runs `docket doctor`.
pub fn run(args: &DoctorArgs) -> anyhow::Result<u8> {
    if args.repair {
        return Ok(match crate::app::doctor_repair() {
            Ok(done) => {
                println!("{done}");
                EXIT_OK
            }
            Err(e) => output::report("docket doctor", &e),
        });
    }
    Ok(match crate::app::doctor_check() {
        Ok(report) => {
            println!("{report}");
            if report.is_ok() {
                EXIT_OK
            } else {
                eprintln!("docket doctor: run `docket doctor --repair` to save what can be saved");
                EXIT_FAILURE
            }
        }
        Err(e) => output::report("docket doctor", &e),
    })
}
