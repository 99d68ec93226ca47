//! `annex init`: start a new release project (see `crate::init`).

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create the project in (created if missing; must be empty)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also copy the default theme into themes/default/, to change it
    #[arg(long)]
    pub eject_theme: bool,
}

pub fn run(args: Args) -> u8 {
    match crate::init::create(&args.dir, args.eject_theme) {
        Ok(files) => {
            let theme = if args.eject_theme {
                "the default theme copied into themes/default/"
            } else {
                "the built-in default theme"
            };
            println!(
                "created a release project in {} ({} files, {theme})",
                args.dir.display(),
                files.len()
            );
            let cd = if args.dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", args.dir.display())
            };
            println!("next: {cd}annex serve   (preview with live reload)");
            println!("      {cd}annex build   (the site into public/)");
            println!("      replace the example in content/ by hand, or with `annex import`");
            super::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, crate::init::InitError::NotEmpty(_)) {
                eprintln!("  = hint: give a new folder's name: annex init my-release");
            }
            super::USAGE
        }
    }
}
