//! `annex build`: the site into its output folder, swapped in only when the
//! whole build succeeded.

use std::path::PathBuf;

use crate::build::{self, BuildError, BuildOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the folder holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder (default: site.yaml's output_dir under the root)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Absolute URL the site is served from, e.g. https://example.org/release/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Theme name, a folder under themes/ (default: site.yaml's theme)
    #[arg(long)]
    pub theme: Option<String>,
    /// Print each stage's wall time, and the peak memory so far and the memory held at its end
    #[arg(long)]
    pub timings: bool,
    /// Replace the output folder even if annex did not write it (it has files and no
    /// release.json of annex's). Never a project folder such as content/.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> u8 {
    if !args.root.join("site.yaml").is_file() {
        eprintln!("error: no site.yaml in {}", args.root.display());
        eprintln!("  = hint: run annex build in a project folder, or pass --root DIR");
        return super::USAGE;
    }
    if let Some(url) = &args.base_url {
        let absolute = url.starts_with("http://") || url.starts_with("https://");
        let problem = crate::render::check_base_url(url)
            .err()
            .or_else(|| (!absolute).then(|| format!("`{url}` is not an absolute http(s) URL")));
        if let Some(why) = problem {
            eprintln!("error: --base-url: {why}");
            return super::USAGE;
        }
    }
    if let Some(theme) = &args.theme {
        let folder = args.root.join("themes").join(theme);
        if theme != "default" && !folder.is_dir() {
            eprintln!(
                "error: --theme: no theme `{theme}`: no folder {}",
                folder.display()
            );
            eprintln!("  = hint: use `default`, or add the theme's folder under themes/");
            return super::USAGE;
        }
    }
    let timings = args.timings;
    let options = BuildOptions {
        root: args.root,
        output: args.output,
        base_url: args.base_url,
        theme: args.theme,
        force: args.force,
    };
    match build::build(&options) {
        Ok(report) => {
            for w in &report.warnings.0 {
                eprintln!("{w}");
            }
            println!(
                "built {} pages ({} files, {}) into {} in {:.2} s",
                report.pages,
                report.written.files,
                human_bytes(report.written.bytes),
                report.output.display(),
                report.elapsed.as_secs_f64()
            );
            if let Err(e) = &report.pruned {
                eprintln!(
                    "warning: could not remove unused cards from {}: {e}",
                    crate::cards::cache_dir(&options.root).display()
                );
                eprintln!(
                    "  = hint: the site was built; the folder can be deleted (cards are drawn again)"
                );
            }
            if timings {
                for s in &report.stages {
                    let rss = match (s.peak_rss, s.rss) {
                        (Some(peak), Some(now)) => {
                            format!("{:>6} MiB peak {:>6} MiB after", peak >> 20, now >> 20)
                        }
                        _ => String::new(),
                    };
                    println!("  {:>8.3} s  {rss}  {}", s.time.as_secs_f64(), s.name);
                }
                println!("  cards: {}", cards_line(&report));
            }
            super::OK
        }
        Err(BuildError::Content(mut diags)) => {
            diags.sort();
            for d in &diags.0 {
                eprintln!("{d}");
            }
            eprintln!(
                "build failed: {}; the previous output was left as it was",
                diags.summary()
            );
            super::CONTENT_ERRORS
        }
        Err(BuildError::Output(msg)) => {
            eprintln!("error: {msg}");
            super::USAGE
        }
    }
}

/// How the cards were made, and what became of the cache's unused ones.
fn cards_line(report: &build::BuildReport) -> String {
    use crate::cards::Pruned;
    let made = format!(
        "{} drawn, {} from the cache",
        report.cards.drawn, report.cards.cached
    );
    match &report.pruned {
        Ok(Pruned::Removed { files, bytes }) if *files > 0 => format!(
            "{made}; {files} unused removed from the cache ({})",
            human_bytes(*bytes)
        ),
        Ok(Pruned::Busy) => format!("{made}; cache in use by another annex, not pruned"),
        Ok(Pruned::NoLocks) => format!("{made}; the file system has no file locks, not pruned"),
        Ok(_) => made,
        Err(e) => format!("{made}; cache not pruned: {e}"),
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else if n >= 1 << 10 {
        format!("{:.1} kB", n as f64 / (1 << 10) as f64)
    } else {
        format!("{n} bytes")
    }
}
