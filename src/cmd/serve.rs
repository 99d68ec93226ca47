//! `annex serve`: build into memory, serve on loopback, rebuild on edits
//! and live-reload the browser (see `crate::serve`).

use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the folder holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on (0 picks a free one; the address is printed)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but loopback is reachable from other machines
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser once it is served
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> u8 {
    let options = crate::serve::Options {
        root: args.root,
        port: args.port,
        bind: args.bind,
        open: args.open,
    };
    match crate::serve::run(&options) {
        Ok(()) => super::OK,
        Err(message) => {
            eprintln!("error: {message}");
            super::USAGE
        }
    }
}
