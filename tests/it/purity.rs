//! The engine stays pure (STYLE.md convention 1): no store, TUI, async,
//! terminal, database, file system or clock in `src/engine/**`.

#[test]
fn engine_has_no_io_imports() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let forbidden = [
        "crate::store",
        "crate::tui",
        "crate::cli",
        "tokio",
        "ratatui",
        "crossterm",
        "rusqlite",
        "std::fs",
        "std::net",
        "std::process",
        "Local::now",
        "Utc::now",
        "SystemTime",
        "Instant::now",
        "std::env",
    ];
    let mut files = vec![root];
    let mut checked = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            for f in forbidden {
                assert!(!text.contains(f), "{} mentions {f}", p.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "found only {checked} engine files");
}
