//! `annex import`: reads a release's extracted text and writes content files.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release's extracted text (a .txt file)
    #[arg(value_name = "RELEASE.txt")]
    pub input: PathBuf,
    /// Folder to write release.md, documents/ and meetings/ into
    #[arg(long, default_value = "content")]
    pub out: PathBuf,
    /// Replace content files that already exist
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> u8 {
    let import = match crate::import::import_file(&args.input) {
        Ok(import) => import,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            // An unreadable file is the environment's problem, not the text's.
            return if diags.iter().any(|d| d.code == "io") {
                super::USAGE
            } else {
                super::CONTENT_ERRORS
            };
        }
    };
    for w in &import.warnings {
        eprintln!("{w}");
    }
    if let Err(d) = crate::import::write(&import, &args.out, args.force) {
        eprintln!("{d}");
        return super::USAGE;
    }
    println!("{} → {}", import.summary, args.out.display());
    super::OK
}
