//! Import and export tests: one test binary, one module per format.

mod interop {
    pub mod anki;
    pub mod apkg;
    pub mod bad_input;
    pub mod cli;
    pub mod csv;
    pub mod gift;
    pub mod history;
    pub mod moodle_xml;
    pub mod no_panic;
    pub mod support;
    pub mod write;
}
