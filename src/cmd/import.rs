//! `annex import`: reads a release (its extracted text, or its PDFs) and
//! writes content files.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release: its extracted text (one .txt file), or its PDF files in
    /// page order (a letter and its documents: pages are numbered on across files)
    #[arg(value_name = "RELEASE", required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Folder to write release.md, documents/ and meetings/ into
    #[arg(long, default_value = "content")]
    pub out: PathBuf,
    /// Replace content files that already exist
    #[arg(long)]
    pub force: bool,
    /// Read PDF pages that have no text layer (scans) with Tesseract OCR
    #[arg(long)]
    pub ocr: bool,
    /// Grounds preset to check codes against and write into site.yaml
    /// (nz-oia, nz-lgoima, us-foia, uk-foia, au-foi); by default, the preset
    /// of the Act the letter names
    #[arg(long, value_name = "NAME")]
    pub grounds: Option<String>,
}

pub fn run(args: Args) -> u8 {
    // A wrong name is the command line's fault: say so before reading anything.
    if let Some(name) = &args.grounds {
        if let Err(message) = crate::import::grounds_preset(name) {
            eprintln!("annex import: --grounds: {message}");
            return super::USAGE;
        }
    }
    let options = crate::import::Options {
        grounds: args.grounds.clone(),
    };
    let pdfs = args
        .inputs
        .iter()
        .filter(|p| crate::import::pdf::is_pdf(p))
        .count();
    let result = if pdfs > 0 {
        import_pdfs(&args, &options)
    } else if args.inputs.len() > 1 {
        eprintln!(
            "annex import: give one text file, or the release's PDF files ({} text files given)",
            args.inputs.len()
        );
        return super::USAGE;
    } else {
        crate::import::import_file_with(&args.inputs[0], &options).map(|i| (i, None))
    };
    let (import, pdf_summary) = match result {
        Ok(r) => r,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            // An unreadable file or a missing tool is the environment's
            // problem, not the release's.
            let environment = [
                "io",
                "not-pdf",
                "pdf-unreadable",
                "pdf-tool",
                "pdf-tool-missing",
                "ocr-missing",
                "scanned-pages",
            ];
            return if diags.iter().any(|d| environment.contains(&d.code)) {
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
    if let Some(s) = &pdf_summary {
        println!("{}", s.pages);
    }
    println!("{} → {}", import.summary, args.out.display());
    println!("grounds: {}", import.grounds);
    site_yaml(&import, &args.out);
    super::OK
}

/// Writes `site.yaml` beside a folder named `content` (the project's
/// layout) when the project has none. An existing one is the user's and is
/// never replaced, even with --force; if its preset differs from the one
/// the import used, a warning says so. Content imported elsewhere gets a
/// line saying what site.yaml should name.
fn site_yaml(import: &crate::import::Import, out: &std::path::Path) {
    let preset = import.grounds.preset;
    if out.file_name().and_then(|n| n.to_str()) != Some("content") {
        println!("site.yaml: not written (the output folder is not a project's `content/`); it can say `grounds: {{preset: {preset}}}`");
        return;
    }
    let root = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let path = root.join("site.yaml");
    if path.exists() {
        let existing = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_yaml::from_str::<crate::model::SiteConfig>(&t).ok())
            .and_then(|c| c.grounds.preset);
        if existing.as_deref() != Some(preset) {
            eprintln!(
                "{}: warning[grounds]: kept as it is; its grounds preset is {}, the import checked codes against `{preset}`\n  = hint: set `grounds: {{preset: {preset}}}` if the release is under that Act",
                path.display(),
                existing.map_or("not set".to_string(), |p| format!("`{p}`"))
            );
        }
        return;
    }
    match std::fs::write(&path, &import.site_yaml) {
        Ok(()) => println!("wrote {} (grounds preset `{preset}`)", path.display()),
        Err(e) => eprintln!("{}: warning[io]: cannot write: {e}", path.display()),
    }
}

/// What the PDF reader adds to the summary.
struct PdfSummary {
    pages: crate::import::pdf::Summary,
}

type Imported = (crate::import::Import, Option<PdfSummary>);

/// Reads the PDFs into page-marked text and imports that.
fn import_pdfs(
    args: &Args,
    options: &crate::import::Options,
) -> Result<Imported, Vec<crate::diagnostics::Diagnostic>> {
    use crate::import::pdf;
    let release = pdf::read(&args.inputs, pdf::Options { ocr: args.ocr })?;
    for w in &release.warnings {
        eprintln!("{w}");
    }
    let text = release.to_text();
    let import = crate::import::import_text_with(&args.inputs[0], &text, options)?;
    Ok((
        import,
        Some(PdfSummary {
            pages: release.summary(),
        }),
    ))
}
