//! `annex serve`: build the site into memory, serve it on loopback, watch
//! the project, rebuild what an edit affects and reload every open tab.
//!
//! One thread waits for edits and rebuilds (`watch`, `rebuild`); a fixed
//! pool answers requests from the site in memory, cached cards excepted
//! (`http`, `store`); open tabs hold an event stream (`reload`). Cards are
//! drawn into, and served from, the project's card cache as a build uses
//! it; nothing else is written to disk: the
//! output folder of `annex build` is left alone.
//!
//! Each rebuild prints one line, for people and for the benchmark:
//!
//! ```text
//! rebuild 3 (partial): 1 of 20010 pages in 6.1 ms, save to reload 6.2 ms (1 tab; ms: debounce 4.1, wait 0.0, read 0.1, parse 0.1, render 1.2, swap 0.1, send 0.05; 0 pending): content/meetings/x.md
//! ```
//!
//! "save to reload" runs from the first file event of the edit to the
//! moment the reload event was written to every open tab; the parts after
//! `ms:` say where it went. An edit that other pages show leaves those for
//! after the reload (`pending`), and a second line says when they are done.

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod store;
pub mod watch;

use std::io::Write as _;
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use rebuild::{Project, Rebuilt};
use store::Store;

/// Threads answering requests. Bounded: a preview has few clients, and
/// each request is answered from memory in microseconds.
const WORKERS: usize = 8;

/// How long edits must pause before the work left after a reload (index
/// pages, data downloads, cards) is done, unless a request waits for it.
const SETTLE: Duration = Duration::from_millis(1000);

/// What `annex serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// 0 picks a free port (printed on start).
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
}

/// Serves until the process is stopped; returns only on a setup error.
pub fn run(options: &Options) -> Result<(), String> {
    let root = &options.root;
    if !root.join("site.yaml").is_file() {
        return Err(format!(
            "no site.yaml in {}\n  = hint: run annex serve in a project folder, or pass --root DIR",
            root.display()
        ));
    }
    let canonical = root
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines; \
             the default, 127.0.0.1, keeps it on this one",
            options.bind
        );
    }
    let listener = TcpListener::bind((options.bind, options.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let origin = format!("http://{host}:{}", addr.port());

    // Cached cards are served from the cache: no build removes them while
    // this is held. (The root as the content has it, so that the rebuilds'
    // own holds share this one.)
    let _cache = crate::cards::hold(root);
    let hub = reload::Hub::new();
    let store = Store::new(Arc::clone(&hub));
    let mut project = Project::new(root, &origin);
    let started = Instant::now();
    let first = project.full();
    let base_path = match &first {
        Ok(r) => r.base_path.clone(),
        Err(_) => "/".to_string(),
    };
    report(
        &store,
        &project,
        first,
        started,
        [Duration::ZERO; 2],
        "initial build",
    );

    // Watching starts before serving, so that an edit made as soon as the
    // first page is seen is not missed.
    let batches =
        watch::spawn(&canonical).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    http::start(
        listener,
        WORKERS,
        Arc::clone(&store) as Arc<dyn http::Handler>,
    )
    .map_err(|e| format!("cannot start the server: {e}"))?;
    let url = format!("{origin}{base_path}");
    println!("Serving {} at {url} (Ctrl+C to stop)", root.display());
    let _ = std::io::stdout().flush();
    if options.open {
        open_browser(&url);
    }

    let mut last_edit = Instant::now();
    loop {
        // Work left after a reload waits until edits pause, unless a
        // request waits for it: a step cannot be interrupted, and one index
        // page or the data downloads of a large release take a second or
        // more, which a burst of edits would otherwise wait behind.
        let settling = last_edit.elapsed() < SETTLE && store.wanted().is_empty();
        let batch = if project.has_work() && settling {
            match batches.recv_timeout(SETTLE.saturating_sub(last_edit.elapsed())) {
                Ok(batch) => Some(batch),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else if project.has_work() {
            match batches.try_recv() {
                Ok(batch) => Some(batch),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else {
            match batches.recv() {
                Ok(batch) => Some(batch),
                Err(_) => break,
            }
        };
        match batch {
            Some(batch) => {
                last_edit = Instant::now();
                let Some(first_path) = batch.paths.iter().next() else {
                    continue;
                };
                let what = match batch.paths.len() {
                    1 => first_path.display().to_string(),
                    n => format!("{} and {} more", first_path.display(), n - 1),
                };
                // Debounce, then any wait for a piece of work that could not
                // give way (a render already running).
                let debounce = [
                    batch.closed.duration_since(batch.first_event),
                    batch.closed.elapsed(),
                ];
                let result = project.apply(&batch.paths);
                report(&store, &project, result, batch.first_event, debounce, &what);
            }
            None => step(&store, &mut project),
        }
    }
    Err("the file watcher stopped".into())
}

/// A rebuild's files and cards, as the store takes them.
fn incoming(
    files: Vec<crate::render::OutputFile>,
    cards: Vec<(String, crate::cards::Card)>,
) -> Vec<store::Incoming> {
    let cards = cards.into_iter().map(store::Incoming::from);
    files
        .into_iter()
        .map(store::Incoming::from)
        .chain(cards)
        .collect()
}

/// Does a piece of the work left after a reload and puts it in place.
fn step(store: &Store, project: &mut Project) {
    let generation = project.generation;
    match project.step(&store.wanted()) {
        Ok(step) => {
            if !step.files.is_empty() || !step.cards.is_empty() || step.outputs.is_some() {
                let files = incoming(step.files, step.cards);
                store.fill(files, step.outputs.as_ref(), generation);
            }
            let Some(done) = step.done else { return };
            store.clear_pending();
            if done.pages + done.site_files > 0 {
                println!(
                    "rebuild {} done: {} more pages and {} site files after the reload, in {:.1} ms",
                    done.generation, done.pages, done.site_files, done.ms
                );
            }
            match done.full_render {
                Some(Ok(full)) => {
                    let diffs = store.differences(&full);
                    if diffs.is_empty() {
                        println!(
                            "verify {}: the served site equals a full render ({} files)",
                            done.generation,
                            full.len()
                        );
                    } else {
                        println!(
                            "verify {}: MISMATCH with a full render: {}",
                            done.generation,
                            diffs.join(", ")
                        );
                    }
                }
                Some(Err(why)) => println!(
                    "verify {}: MISMATCH: the project on disk does not build: {why}",
                    done.generation
                ),
                None => {}
            }
        }
        Err(mut diags) => {
            diags.sort();
            for d in &diags.0 {
                eprintln!("{d}");
            }
            store.set_errors(&diags);
            store.clear_pending();
            let tabs = store.hub().reload(&format!("{generation}"));
            println!(
                "rebuild {generation} failed after the reload: {}; serving the last good pages with the errors shown ({tabs} tab{})",
                diags.summary(),
                if tabs == 1 { "" } else { "s" },
            );
        }
    }
    let _ = std::io::stdout().flush();
}

/// Puts a rebuild's result in place, prints its line and reloads the tabs.
fn report(
    store: &Store,
    project: &Project,
    result: Result<Rebuilt, Diagnostics>,
    since: Instant,
    debounce: [Duration; 2],
    what: &str,
) {
    let generation = project.generation;
    match result {
        Ok(rebuilt) => {
            for w in &rebuilt.warnings.0 {
                eprintln!("{w}");
            }
            let rebuild_ms = since.elapsed().as_secs_f64() * 1000.0;
            let swapping = Instant::now();
            store.update(
                incoming(rebuilt.files, rebuilt.cards),
                rebuilt.outputs.as_ref(),
                &rebuilt.removed,
                &rebuilt.later,
                &rebuilt.base_path,
                generation,
            );
            let swap_ms = swapping.elapsed().as_secs_f64() * 1000.0;
            let reloading = Instant::now();
            let tabs = store.hub().reload(&format!("{generation}"));
            let reload_ms = reloading.elapsed().as_secs_f64() * 1000.0;
            let total_ms = since.elapsed().as_secs_f64() * 1000.0;
            let mut parts = vec![
                format!("debounce {:.1}", debounce[0].as_secs_f64() * 1000.0),
                format!("wait {:.1}", debounce[1].as_secs_f64() * 1000.0),
            ];
            parts.extend(rebuilt.timings.iter().map(|(k, v)| format!("{k} {v:.1}")));
            parts.push(format!("swap {swap_ms:.1}"));
            parts.push(format!("send {reload_ms:.2}"));
            println!(
                "rebuild {generation} ({}): {} of {} pages in {rebuild_ms:.1} ms, save to reload {total_ms:.1} ms ({tabs} tab{}; ms: {}; {} pending): {what}",
                rebuilt.kind,
                rebuilt.pages,
                rebuilt.total_pages,
                if tabs == 1 { "" } else { "s" },
                parts.join(", "),
                rebuilt.later.len(),
            );
        }
        Err(mut diags) => {
            diags.sort();
            for d in &diags.0 {
                eprintln!("{d}");
            }
            store.set_errors(&diags);
            if !project.has_work() {
                store.clear_pending();
            }
            let tabs = store.hub().reload(&format!("{generation}"));
            println!(
                "rebuild {generation} failed: {}; serving the last good pages with the errors shown ({tabs} tab{}): {what}",
                diags.summary(),
                if tabs == 1 { "" } else { "s" },
            );
        }
    }
    let _ = std::io::stdout().flush();
}

/// Opens `url` in the desktop's browser; failure is only a warning.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(program)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({program}: {e}); open {url} yourself");
    }
}
