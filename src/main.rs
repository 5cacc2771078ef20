//! The `ebb` binary: parse arguments, read the clock once, run, and report
//! errors on stderr with a non-zero exit code.

use clap::Parser;

fn main() {
    // A damaged workbook can make the spreadsheet reader panic; the import
    // catches it and says the file is damaged, so stay quiet about it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !ebb::engine::import::sheet::reading_workbook() {
            default_hook(info);
        }
    }));
    let cli = ebb::cli::Cli::parse();
    let now = chrono::Local::now();
    let ctx = ebb::cli::RunContext {
        today: now.date_naive(),
        now: now.format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    let check = matches!(cli.command, Some(ebb::cli::Command::Check(_)));
    match ebb::cli::run(cli, &ctx) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // `ebb … | head` closing the pipe is not an error.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                std::process::exit(0);
            }
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            // `ebb check` uses 1 and 2 for risk levels; its errors exit 3.
            std::process::exit(if check { 3 } else { 1 });
        }
    }
}
