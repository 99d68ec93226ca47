//! `annex serve`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the folder holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn run(_args: Args) -> u8 {
    eprintln!("annex serve: not available in this build yet");
    super::USAGE
}
