//! `annex check`: everything `build` validates, the content checks of
//! `check`, and every internal link and anchor of the site rendered in
//! memory. No output folder is touched.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::build;
use crate::diagnostics::Diagnostics;
use crate::render::RenderOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the folder holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Also fetch every external link (HEAD, then GET), 8 at a time, 10 s each
    #[arg(long)]
    pub external: bool,
}

pub fn run(args: Args) -> u8 {
    if !args.root.join("site.yaml").is_file() {
        eprintln!("error: no site.yaml in {}", args.root.display());
        eprintln!("  = hint: run annex check in a project folder, or pass --root DIR");
        return super::USAGE;
    }
    let mut diags = Diagnostics::default();
    match build::load_site(&args.root) {
        Err(errors) => diags.extend(errors),
        Ok((site, warnings)) => {
            diags.extend(warnings);
            diags.extend(crate::check::content(&site));
            diags.extend(crate::check::publishing(&site));
            match build::render_site(
                &site,
                &RenderOptions {
                    base_url: None,
                    theme: None,
                },
            ) {
                Err(errors) => diags.extend(errors),
                Ok(files) => {
                    let files: BTreeMap<PathBuf, Vec<u8>> = files
                        .into_iter()
                        .map(|f| (PathBuf::from(f.path), f.bytes))
                        .collect();
                    let base = crate::render::base_path(&site.content.config.base_url);
                    let links = crate::check::links(&files, &base);
                    diags.extend(crate::check::on_sources(links, &site));
                    if args.external {
                        diags.extend(crate::check::external_links(&files));
                    }
                }
            }
        }
    }
    diags.sort();
    for d in &diags.0 {
        eprintln!("{d}");
    }
    eprintln!("check: {}", diags.summary());
    if diags.has_errors() {
        super::CONTENT_ERRORS
    } else {
        super::OK
    }
}
