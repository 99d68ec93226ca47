//! The `annex` command line: parses arguments and hands over to `annex::cmd`.
//! Exit codes: 0 success, 1 content errors (diagnostics printed), 2 usage or
//! environment errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// See Cargo.toml: measured faster than the system allocator for builds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "annex",
    version,
    about = "Static sites for annotated releases of official information (OIA / FOI)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (swapped in only if the whole build succeeds)
    Build(annex::cmd::build::Args),
    /// Build, serve on loopback, watch for edits and live-reload the browser
    Serve(annex::cmd::serve::Args),
    /// Validate content, references and the rendered site without writing output
    Check(annex::cmd::check::Args),
    /// Create a new release project
    Init(annex::cmd::init::Args),
    /// Turn a release's text (or PDF) into content files
    Import(annex::cmd::import::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Build(args) => annex::cmd::build::run(args),
        Command::Serve(args) => annex::cmd::serve::run(args),
        Command::Check(args) => annex::cmd::check::run(args),
        Command::Init(args) => annex::cmd::init::run(args),
        Command::Import(args) => annex::cmd::import::run(args),
    };
    ExitCode::from(code)
}
