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
    #[cfg(not(target_os = "linux"))]
    tune_allocator();
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

/// mimalloc's defaults suit long-running servers: freed memory stays
/// committed for a second, and arenas are committed whole. A build frees
/// each page's context and output once it is written, so with the defaults
/// a 10,000-meeting build peaked at about 255 MiB resident. Handing freed
/// pages back after 20 ms and committing arenas as used keeps it near
/// 160 MiB; a 1 ms delay saved another 5-12 MiB but cost about 7 % more CPU
/// (each freed page faulted in again), which the build no longer needs to
/// pay now that it is well under its 200 MiB budget (bench/RESULTS.md).
/// `MIMALLOC_PURGE_DELAY` and `MIMALLOC_ARENA_EAGER_COMMIT` in the
/// environment still win.
fn tune_allocator() {
    for (option, default, tuned) in [
        (MI_OPTION_PURGE_DELAY, 1000, 20),
        (MI_OPTION_ARENA_EAGER_COMMIT, 2, 0),
    ] {
        // SAFETY: reads and sets process-wide options, which mimalloc
        // allows at any time (plain values, read when used). The read
        // takes a `MIMALLOC_*` variable from the environment (mimalloc's
        // own lookup, which allocates nothing): a value set there is kept.
        unsafe {
            if libmimalloc_sys::mi_option_get(option) == default {
                libmimalloc_sys::mi_option_set(option, tuned);
            }
        }
    }
}

/// Runs [`tune_allocator`] before `main`, as a C constructor: mimalloc
/// reserves its first arena at the first allocation, which Rust's runtime
/// makes before `main`, and the commit option only applies to arenas
/// reserved after it is set.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = {
    extern "C" fn tune() {
        tune_allocator()
    }
    tune
};

// `mi_option_e` in mimalloc 3's `mimalloc.h`, which libmimalloc-sys builds
// but does not name (its constants follow mimalloc 2's numbering). The test
// below checks the numbering against the library's defaults.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tuned_mimalloc_options_are_the_ones_meant() {
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        // The constructor runs in the test binary too.
        assert_eq!(get(MI_OPTION_ARENA_EAGER_COMMIT), 0);
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 20);
        // Options whose defaults are distinctive (options.c) read back as
        // such at mimalloc 3's numbering, so the two set above are the
        // ones meant: os_tag 100, max_errors 32, max_segment_reclaim 10.
        assert_eq!((get(18), get(19), get(21)), (100, 32, 10));
    }
}
