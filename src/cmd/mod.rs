//! One module per subcommand: each parses nothing itself (clap does) and
//! returns the process exit code. They call the pipeline stages; they don't
//! re-implement them.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod serve;

/// Exit code for success.
pub const OK: u8 = 0;
/// Exit code when the content has errors (diagnostics were printed).
pub const CONTENT_ERRORS: u8 = 1;
/// Exit code for usage or environment errors (bad flags, unreadable root).
pub const USAGE: u8 = 2;
