//! `annex import` on PDFs the test writes itself with a PDF library
//! (lopdf): a letter with its schedule table, and a bundle of documents with
//! a two-column page, a page that is only a scanned image, and words
//! hyphenated across lines. For each import: every word of the text layer
//! is in the content, every code is counted once, page numbers are exact,
//! and importing twice gives identical files.
//!
//! The tests need poppler's tools (`scripts/apt-packages.txt`) and OCR needs
//! Tesseract. Without them a test says it is skipped and passes, so that
//! `cargo test` works on a machine with only Rust; when `CI` is set both are
//! required, so CI never passes by skipping.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use annex::markers;
use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};

const STAMP: &str = "Released under the Official Information Act 1982";

/// One line of text placed on a page.
struct Text {
    x: f32,
    y: f32,
    size: f32,
    /// WinAnsi bytes, with 0x80 = the `fi` ligature and 0x81 = a soft hyphen.
    bytes: Vec<u8>,
}

fn t(x: f32, y: f32, s: &str) -> Text {
    Text {
        x,
        y,
        size: 10.0,
        // One byte per character: the font's codes, not UTF-8.
        bytes: s.chars().map(|c| c as u32 as u8).collect(),
    }
}

enum PageKind {
    Text(Vec<Text>),
    /// A grey image (width, height, pixels) filling the page, nothing else.
    Image(u32, u32, Vec<u8>),
}

/// Writes a PDF of A4 pages with the standard Helvetica font.
fn write_pdf(path: &Path, pages: Vec<PageKind>) {
    let mut doc = Document::with_version("1.5");
    let pages_id: ObjectId = doc.new_object_id();
    // Word's PDFs map a ligature glyph to U+FB01 in the font's ToUnicode
    // table; so does this one, as extraction debris to repair.
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n2 beginbfchar <80> <FB01> <81> <00AD> endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n".to_vec();
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap));
    let font = doc.add_object(dictionary! {
        "ToUnicode" => to_unicode,
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => dictionary! {
            "Type" => "Encoding",
            "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![128.into(), Object::Name(b"fi".to_vec()), Object::Name(b"sfthyphen".to_vec())],
        },
    });
    let mut kids = Vec::new();
    for page in pages {
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let mut content = Vec::new();
        match page {
            PageKind::Text(lines) => {
                for l in lines {
                    content.extend_from_slice(
                        format!("BT /F1 {} Tf {} {} Td ", l.size, l.x, l.y).as_bytes(),
                    );
                    let s = Object::String(l.bytes, StringFormat::Literal);
                    let mut enc = Vec::new();
                    lopdf::content::Content {
                        operations: vec![lopdf::content::Operation::new("Tj", vec![s])],
                    }
                    .encode()
                    .map(|b| enc.extend(b))
                    .expect("encodes");
                    content.extend_from_slice(&enc);
                    content.extend_from_slice(b" ET\n");
                }
            }
            PageKind::Image(w, h, pixels) => {
                let image = doc.add_object(Stream::new(
                    dictionary! {
                        "Type" => "XObject",
                        "Subtype" => "Image",
                        "Width" => w as i64,
                        "Height" => h as i64,
                        "ColorSpace" => "DeviceGray",
                        "BitsPerComponent" => 8,
                    },
                    pixels,
                ));
                resources = dictionary! { "XObject" => dictionary! { "Im1" => image } };
                content.extend_from_slice(b"q 595 0 0 842 0 0 cm /Im1 Do Q\n");
            }
        }
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.save(path).expect("fixture PDF written");
}

/// Running furniture on release page `n` of `total`.
fn furniture(n: u32, total: u32) -> Vec<Text> {
    vec![
        t(72.0, 800.0, "MINISTRY OF EXAMPLES"),
        t(72.0, 40.0, &format!("Page {n} of {total}")),
        t(300.0, 28.0, STAMP),
    ]
}

fn lines_at(x: f32, top: f32, lines: &[&str]) -> Vec<Text> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| t(x, top - 14.0 * i as f32, l))
        .collect()
}

const LETTER_1: &[&str] = &[
    "11 October 2024",
    "OIA 31234",
    "Tena koe",
    "Thank you for your email of 4 August 2024, in which you request the following under",
    "the Official Information Act 1982 (OIA):",
    "\"Please provide all reports of the Minister's meetings with the Harbour Board in July 2024.\"",
    "The information relevant to your request is attached (contents detailed in Annex A).",
    "We have withheld some information under the following sections of the OIA:",
    "- 6(a): to avoid prejudicing the international relations of the New Zealand Government;",
    "- 9(2)(a): to protect the privacy of natural persons;",
    "- 9(2)(g)(i): to protect the free and frank expression of opinions.",
];
const LETTER_2: &[&str] = &[
    "Please note that it is our policy to proactively release our responses.",
    "Naku noa, na",
    "Jane Official",
    "for Chief Executive",
];
const SCHEDULE: &[[&str; 4]] = &[
    ["Request #", "Meeting", "Documents in scope", "Pages"],
    [
        "1",
        "Harbour Board, 9 July 2024",
        "File Note: Meeting with the Harbour Board",
        "3-5",
    ],
    [
        "2",
        "Port workshop, 10 July 2024",
        "Note for File: Port workshop",
        "6",
    ],
];
const NOTE_1: &[&str] = &[
    "File Note: Meeting with the Harbour Board",
    "Wellington, 9 July 2024",
    "1. The Minister met the Chair s9(2)(a) and two members of the Board.",
    "2. The Chair set out the Board's concerns about the port's timetable.",
    "3. The Minister said s6(a), s9(2)(g)(i) and undertook to write.",
    "4. Officials said the \u{80}nancial pro\u{80}le had not changed.",
    "5. Out of scope",
];
const LEFT: &[&str] = &[
    "6. The Board described three options",
    "for the wharf: keep the berths, move",
    "container handling, or close them.",
    "7. The Minister asked about freight.",
];
const RIGHT: &[&str] = &[
    "8. The Chair said most members but",
    "s9(2)(g)(i) supported the second.",
    "9. The meeting closed at noon.",
];
const SCANNED: &[&str] = &[
    "Memorandum",
    "1. We enclose the Board resolution of 2 July.",
    "2. Please treat the figures as provisional.",
];
const NOTE_2: &[&str] = &[
    "Note for File: Port workshop",
    "Auckland, 10 July 2024",
    "1. The workshop considered the recon-",
    "figuration of the eastern wharf and its cost; the reconfiguration",
    "would take two years. s9(2)(a) spoke for the unions.",
    "2. The de\u{81}",
    "cision is due in September.",
];

fn bytes_of(lines: &[&str]) -> Vec<Text> {
    lines_at(72.0, 760.0, lines)
}

/// A page rendered by poppler from a one-page text PDF, as grey pixels:
/// the "scan" of the image-only page.
fn scanned_pixels(dir: &Path) -> (u32, u32, Vec<u8>) {
    let src = dir.join("scan-source.pdf");
    let mut lines = lines_at(72.0, 760.0, SCANNED);
    for l in &mut lines {
        l.size = 14.0;
    }
    // 14pt lines need more room than 10pt ones.
    for (i, l) in lines.iter_mut().enumerate() {
        l.y = 760.0 - 24.0 * i as f32;
    }
    write_pdf(&src, vec![PageKind::Text(lines)]);
    let prefix = dir.join("scan");
    let ok = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-singlefile"])
        .arg(&src)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(ok.success());
    let pgm = std::fs::read(prefix.with_extension("pgm")).expect("pgm written");
    // P5 header: magic, width, height, maxval, then raw bytes.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    i += 1;
    let w: u32 = fields[1].parse().unwrap();
    let h: u32 = fields[2].parse().unwrap();
    std::fs::remove_file(&src).ok();
    std::fs::remove_file(prefix.with_extension("pgm")).ok();
    (w, h, pgm[i..].to_vec())
}

/// The two PDFs of the release: letter.pdf (pages 1-2) and documents.pdf
/// (pages 3-6 of the release).
fn make_release(dir: &Path) -> (PathBuf, PathBuf) {
    let total = 6;
    let mut p1 = furniture(1, total);
    p1.extend(bytes_of(LETTER_1));
    let mut p2 = furniture(2, total);
    p2.extend(bytes_of(LETTER_2));
    p2.push(t(72.0, 680.0, "Annex A"));
    let xs = [72.0, 140.0, 290.0, 500.0];
    for (r, row) in SCHEDULE.iter().enumerate() {
        let y = 650.0 - 30.0 * r as f32;
        for (k, cell) in row.iter().enumerate() {
            // The third column wraps, as a long title does in a real schedule.
            if k == 2 && cell.len() > 30 {
                let cut = cell[..30].rfind(' ').unwrap();
                p2.push(t(xs[k], y, &cell[..cut]));
                p2.push(t(xs[k], y - 12.0, &cell[cut + 1..]));
            } else {
                p2.push(t(xs[k], y, cell));
            }
        }
    }
    let letter = dir.join("letter.pdf");
    write_pdf(&letter, vec![PageKind::Text(p1), PageKind::Text(p2)]);

    let mut p3 = furniture(3, total);
    p3.extend(bytes_of(NOTE_1));
    let mut p4 = furniture(4, total);
    p4.extend(lines_at(72.0, 760.0, LEFT));
    p4.extend(lines_at(320.0, 760.0, RIGHT));
    let (w, h, pixels) = scanned_pixels(dir);
    let mut p6 = furniture(6, total);
    let mut note2 = bytes_of(NOTE_2);
    // The soft hyphen (0x81 in our encoding) ends its line.
    for l in &mut note2 {
        if let Some(pos) = l.bytes.windows(1).position(|b| b == [0x81]) {
            l.bytes.truncate(pos + 1);
        }
    }
    p6.extend(note2);
    let documents = dir.join("documents.pdf");
    write_pdf(
        &documents,
        vec![
            PageKind::Text(p3),
            PageKind::Text(p4),
            PageKind::Image(w, h, pixels),
            PageKind::Text(p6),
        ],
    );
    (letter, documents)
}

fn annex_command(args: &[&std::ffi::OsStr]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_annex"));
    command.args(args);
    command
}

fn annex(args: &[&std::ffi::OsStr]) -> Output {
    annex_command(args).output().expect("annex runs")
}

/// Whether `tool` runs (`-v` exits 0 for poppler's tools and Tesseract).
/// Off CI a missing tool skips the test that needs it; on CI it fails it.
fn installed(tool: &str, package: &str) -> bool {
    let ok = Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("CI must install {package} (scripts/apt-packages.txt)");
        }
        // Straight to stderr: the test harness hides `eprintln!` of a test
        // that passes, and a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "pdf_import: skipped: `{tool}` is not installed (apt-get install {package})"
        );
    }
    ok
}

fn poppler_installed() -> bool {
    ["pdfinfo", "pdftotext", "pdftoppm"]
        .iter()
        .all(|t| installed(t, "poppler-utils"))
}

fn tesseract_installed() -> bool {
    installed("tesseract", "tesseract-ocr")
}

/// Every file written under `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read_to_string(e.path()).unwrap(),
            );
        }
    }
    out
}

fn body(file: &str) -> &str {
    // After the closing front-matter fence.
    file.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|i| &rest[i + 5..]))
        .unwrap_or(file)
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-q", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8(out.stdout).unwrap()
}

fn words(text: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for w in text
        .replace('\u{FB01}', "fi")
        .replace('\u{AD}', "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_string()).or_insert(0) += 1;
    }
    m
}

#[test]
fn a_scanned_page_without_ocr_is_an_error_naming_the_page_and_the_install() {
    if !poppler_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (letter, documents) = make_release(dir.path());
    let out_dir = dir.path().join("content");
    let out = annex(&[
        "import".as_ref(),
        letter.as_os_str(),
        documents.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[scanned-pages]"), "{stderr}");
    assert!(stderr.contains("release page 5"), "{stderr}");
    assert!(stderr.contains("documents.pdf page 3"), "{stderr}");
    assert!(stderr.contains("--ocr") && stderr.contains("apt-get install tesseract-ocr"));
    assert!(!out_dir.exists(), "nothing is written");
}

#[test]
fn a_generated_release_imports_every_word_code_and_page_exactly_and_twice_the_same() {
    // The page-5 scan needs --ocr.
    if !poppler_installed() || !tesseract_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (letter, documents) = make_release(dir.path());
    let run = |name: &str| {
        let out_dir = dir.path().join(name);
        let out = annex(&[
            "import".as_ref(),
            letter.as_os_str(),
            documents.as_os_str(),
            "--ocr".as_ref(),
            "--out".as_ref(),
            out_dir.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        (
            read_tree(&out_dir),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (first, stdout) = run("a");
    let (second, _) = run("b");
    assert_eq!(first, second, "importing twice gives identical files");
    assert!(
        stdout.contains("read 6 PDF pages (4 text, 1 with a table, 1 by OCR, 0 blank)"),
        "{stdout}"
    );
    assert!(stdout.contains("2 ligatures"), "{stdout}");
    assert!(
        stdout.contains("grounds: nz-oia (the Act the cover letter names)"),
        "{stdout}"
    );
    assert!(stdout.contains("1 soft hyphens"), "{stdout}");
    assert!(
        stdout.contains("1 line-end hyphenations joined"),
        "{stdout}"
    );

    let all_bodies: String = first
        .values()
        .map(|f| body(f))
        .collect::<Vec<_>>()
        .join("\n");
    let whole: String = first.values().cloned().collect::<Vec<_>>().join("\n");

    // Every word of the text layer is in the content (furniture included,
    // as page metadata), as often as the PDF has it.
    let layer = format!("{}\n{}", pdftotext(&letter), pdftotext(&documents));
    let have = words(&whole);
    for (w, n) in words(&layer) {
        // The hyphenated halves are joined into one word.
        if ["recon", "figuration", "de", "cision"].contains(&w.as_str()) {
            continue;
        }
        assert!(
            have.get(&w).copied().unwrap_or(0) >= n,
            "`{w}` ×{n} missing"
        );
    }
    let flowing = all_bodies.replace('\n', " ");
    assert!(flowing.contains("reconfiguration of the eastern wharf"));
    assert!(flowing.contains("decision is due"));
    // The scanned page's words, by OCR.
    for w in ["Memorandum", "resolution", "provisional"] {
        assert!(all_bodies.contains(w), "OCR lost `{w}`");
    }

    // Every code counted once: the bodies hold exactly the text layer's codes.
    assert_eq!(
        markers::count_codes(&all_bodies),
        markers::count_codes(&layer)
    );

    // Page numbers exact: every release page has its marker, and the page's
    // own text follows it.
    let markers_found: Vec<u32> = all_bodies
        .lines()
        .filter_map(|l| {
            l.strip_prefix("<!-- page ")?
                .strip_suffix(" -->")?
                .parse()
                .ok()
        })
        .collect();
    for n in 1..=6 {
        assert!(
            markers_found.contains(&n),
            "no marker for page {n}: {markers_found:?}"
        );
    }
    let after = |n: u32, needle: &str| {
        first.values().any(|f| {
            let Some(at) = f.find(&format!("<!-- page {n} -->")) else {
                return false;
            };
            let rest = &f[at..];
            let end = rest[1..].find("<!-- page ").map_or(rest.len(), |e| e + 1);
            rest[..end].contains(needle)
        })
    };
    assert!(after(1, "Thank you for your email"));
    assert!(after(2, "Jane Official"));
    assert!(after(3, "The Minister met the Chair"));
    assert!(after(4, "The Board described three options"));
    assert!(after(5, "provisional"));
    assert!(after(6, "The workshop considered"));
    // The scanned page is marked as OCR with its confidence.
    assert!(after(5, "<!-- ocr: this page has no text layer"));
    assert!(whole.contains("mean word confidence"));
    // Furniture is kept as page metadata, out of the reading text.
    assert!(after(4, "<!-- furniture: Page 4 of 6 -->"));
    assert!(after(6, &format!("<!-- furniture: {STAMP} -->")));
    assert!(!all_bodies
        .lines()
        .any(|l| l.trim() == STAMP || l.trim() == "MINISTRY OF EXAMPLES"));

    // Two columns in reading order: the left column ends before the right begins.
    let doc = first
        .iter()
        .find(|(p, f)| p.starts_with("documents") && f.contains("Meeting with the Harbour Board"))
        .map(|(_, f)| f.as_str())
        .expect("the file note");
    let l = doc.find("7. The Minister asked about freight.").unwrap();
    let r = doc.find("8. The Chair said most members").unwrap();
    assert!(l < r);
    // The schedule table's rows were read: both documents are linked to it.
    let release = &first[Path::new("release.md")];
    assert!(
        release.contains("pages: 3-5") || release.contains("pages: '3-5'"),
        "{release}"
    );
}

#[test]
fn an_unreadable_or_non_pdf_file_is_an_error_naming_it() {
    if !poppler_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pdf");
    std::fs::write(
        &broken,
        b"%PDF-1.5\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage",
    )
    .unwrap();
    let out = annex(&[
        "import".as_ref(),
        broken.as_os_str(),
        "--out".as_ref(),
        dir.path().join("c").as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("broken.pdf") && stderr.contains("error[pdf-unreadable]"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));

    let missing = dir.path().join("missing.pdf");
    let (letter, _) = make_release(dir.path());
    let out = annex(&["import".as_ref(), letter.as_os_str(), missing.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("missing.pdf") && stderr.contains("error[io]"),
        "{stderr}"
    );
}

#[test]
fn a_blank_page_is_kept_marked_and_reported() {
    if !poppler_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("with-blank.pdf");
    let mut p1 = furniture(1, 2);
    p1.extend(bytes_of(NOTE_1));
    write_pdf(&pdf, vec![PageKind::Text(p1), PageKind::Text(Vec::new())]);
    let out_dir = dir.path().join("c");
    let out = annex(&[
        "import".as_ref(),
        pdf.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning[blank-page]") && stderr.contains("page 2"),
        "{stderr}"
    );
    let files = read_tree(&out_dir);
    let all: String = files.values().cloned().collect();
    assert!(all.contains("<!-- page 2 -->"), "{all}");
    assert!(all.contains("<!-- blank: this page has no text and no image in the PDF -->"));
}

#[test]
fn without_poppler_import_says_which_tool_is_missing_and_how_to_install_it() {
    // An empty PATH hides poppler whether or not this machine has it.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("letter.pdf");
    let mut p1 = furniture(1, 1);
    p1.extend(bytes_of(NOTE_1));
    write_pdf(&pdf, vec![PageKind::Text(p1)]);
    let out_dir = dir.path().join("c");
    let out = annex_command(&[
        "import".as_ref(),
        pdf.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
    ])
    .env("PATH", dir.path().join("no-tools"))
    .output()
    .expect("annex runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("letter.pdf") && stderr.contains("error[pdf-tool-missing]"),
        "{stderr}"
    );
    assert!(stderr.contains("apt-get install poppler-utils"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out_dir.exists(), "nothing is written");
}
