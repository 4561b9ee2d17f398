//! Keeps `docs/architecture.md` true: the parts of the data flow import
//! only what the map allows, and no command module of `src/cli/` imports
//! another.

use std::path::Path;

/// Every `crate::<module>` a file or folder of `src/` names.
fn imports(part: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let dir = root.join(part);
    if dir.is_dir() {
        collect(&dir, &mut files);
    }
    let file = root.join(format!("{part}.rs"));
    if file.is_file() {
        files.push(file);
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((f.display().to_string(), name));
        }
    }
    out
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

#[test]
fn each_part_imports_only_what_the_map_allows() {
    let forbidden: &[(&str, &[&str])] = &[
        (
            "deck",
            &["store", "session", "app", "cli", "frontend", "web"],
        ),
        (
            "diagnostic",
            &["store", "session", "app", "cli", "frontend", "web"],
        ),
        (
            "check",
            &["store", "session", "app", "cli", "frontend", "web"],
        ),
        (
            "grade",
            &["store", "session", "app", "cli", "frontend", "web"],
        ),
        ("schedule", &["session", "app", "cli", "frontend", "web"]),
        ("store", &["session", "app", "cli", "frontend", "web"]),
        ("session", &["app", "cli", "frontend", "web"]),
        ("quiz", &["store", "session", "app", "cli", "web"]),
        ("interop", &["session", "app", "cli", "frontend", "web"]),
        ("app", &["cli", "frontend", "web"]),
        ("frontend", &["store", "app", "cli", "web"]),
        // The web surface calls the application layer (and draws the
        // engines' types); it never opens a store or drives a study session.
        (
            "web",
            &["cli", "store", "session", "frontend", "schedule", "interop"],
        ),
    ];
    let mut broken = Vec::new();
    for (part, not) in forbidden {
        for (file, name) in imports(part) {
            if not.contains(&name.as_str()) {
                broken.push(format!("{file} uses crate::{name}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against docs/architecture.md:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_command_module_imports_another() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let commands: Vec<String> = std::fs::read_dir(&cli)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_cmd.rs"))
        .map(|n| n.trim_end_matches(".rs").to_string())
        .collect();
    assert!(commands.len() >= 5, "command modules moved? {commands:?}");
    let mut broken = Vec::new();
    for c in &commands {
        let text = std::fs::read_to_string(cli.join(format!("{c}.rs"))).unwrap();
        for other in commands.iter().filter(|o| *o != c) {
            if text.contains(&format!("super::{other}")) || text.contains(&format!("cli::{other}"))
            {
                broken.push(format!("{c} imports {other}"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
