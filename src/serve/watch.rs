//! Watching the project for edits: notify's native watcher (inotify on
//! Linux), with the events of one save gathered into one batch.
//!
//! Watched: `site.yaml` (through the root folder, not recursively),
//! `content/`, `themes/`, `templates/` and `static/` recursively. The
//! output folder, `.git` and anything else at the root are not watched, so a
//! build's own writes never trigger a rebuild. A watched folder created
//! after `serve` started is picked up when it appears.
//!
//! Debouncing: an editor's save is several events (truncate, write, close;
//! or write a temporary file and rename it). After the first event the
//! batch stays open until `QUIET` passes with no new event, or `MAX_WAIT`
//! in all, so a save costs one rebuild while keeping the added latency to a
//! few milliseconds. Batches are gathered on a thread of their own
//! ([`spawn`]), so that the rebuild thread can look for a new edit between
//! pieces of work without blocking.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

/// Folders under the root that are watched recursively: those a build reads.
pub const WATCHED_DIRS: [&str; 4] = crate::load::INPUT_FOLDERS;
const QUIET: Duration = Duration::from_millis(4);
const MAX_WAIT: Duration = Duration::from_millis(250);

pub struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The folders watched, each with the identity it had when its watch
    /// began (see [`identity`]).
    watching: BTreeMap<&'static str, Option<(u64, u64)>>,
}

/// One batch of changed files, relative to the root, and when its first
/// event arrived.
#[derive(Debug)]
pub struct Batch {
    pub paths: BTreeSet<PathBuf>,
    pub first_event: Instant,
    /// When the batch closed (`first_event` plus the debounce).
    pub closed: Instant,
}

/// Watches the project at `root` (absolute, canonical) on a thread of its
/// own, sending each batch of changes.
pub fn spawn(root: &Path) -> Result<Receiver<Batch>, String> {
    let (ready_tx, ready_rx) = sync_channel(1);
    let (tx, rx) = channel();
    let root = root.to_path_buf();
    thread::Builder::new()
        .name("annex-watch".into())
        .spawn(move || {
            let mut watcher = match Watcher::new(&root) {
                Ok(w) => {
                    let _ = ready_tx.send(Ok(()));
                    w
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            while let Some(batch) = watcher.next_batch() {
                if tx.send(batch).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| e.to_string())?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(rx),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the watcher thread stopped".into()),
    }
}

impl Watcher {
    /// Starts watching the project at `root` (an absolute, canonical path).
    pub fn new(root: &Path) -> notify::Result<Watcher> {
        let (tx, events) = channel();
        let mut inner = notify::recommended_watcher(tx)?;
        inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            inner,
            events,
            watching: BTreeMap::new(),
        };
        watcher.watch_new_dirs();
        Ok(watcher)
    }

    /// Starts watching each watched folder that exists and is not watched
    /// yet, and watches again one that was replaced: a folder moved away
    /// (`mv content content-old`) keeps its watch, which would go on
    /// reporting the moved folder's edits as the project's and none of the
    /// new folder's.
    fn watch_new_dirs(&mut self) {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            let now = identity(&path);
            match self.watching.get(dir) {
                Some(then) if *then == now && path.is_dir() => continue,
                Some(_) => {
                    let _ = self.inner.unwatch(&path);
                    self.watching.remove(dir);
                }
                None => {}
            }
            if path.is_dir() {
                match self.inner.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watching.insert(dir, now);
                    }
                    Err(e) => eprintln!("annex serve: cannot watch {dir}/: {e}"),
                }
            }
        }
    }

    /// Waits for the next batch of relevant changes; `None` when the
    /// watcher stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        let mut paths = BTreeSet::new();
        let mut first_event = None;
        loop {
            let event = match first_event {
                None => match self.events.recv() {
                    Ok(e) => e,
                    Err(_) => return None,
                },
                Some(start) => {
                    let waited = Instant::now().duration_since(start);
                    let timeout = QUIET.min(MAX_WAIT.saturating_sub(waited));
                    match self.events.recv_timeout(timeout) {
                        Ok(e) => e,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            let Ok(event) = event else { continue };
            if matches!(event.kind, notify::EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(rel) = relevant(&self.root, path) {
                    paths.insert(rel);
                }
            }
            if !paths.is_empty() {
                first_event.get_or_insert_with(Instant::now);
            }
        }
        // A watched folder may have just been created.
        self.watch_new_dirs();
        Some(Batch {
            paths,
            first_event: first_event.unwrap_or_else(Instant::now),
            closed: Instant::now(),
        })
    }
}

/// What tells a folder from another put at the same path: its device and
/// inode where there are such, else nothing (a folder replaced in place is
/// then not noticed).
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The path relative to the root when a change to it can change the site:
/// `site.yaml`, or a non-hidden, non-backup file under a watched folder.
pub fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_str());
    let first = parts.next()??;
    if rel.components().count() == 1 {
        return (first == "site.yaml" || WATCHED_DIRS.contains(&first)).then(|| rel.to_path_buf());
    }
    if !WATCHED_DIRS.contains(&first) {
        return None;
    }
    for part in rel.components().skip(1) {
        let name = part.as_os_str().to_str()?;
        // Editors' swap, lock and backup files (`.x.md.swp`, `.#x.md`,
        // `#x.md#`, `x.md~`, vim's `4913` probe) are not content.
        if name.starts_with(['.', '#']) || name.ends_with('~') || name == "4913" {
            return None;
        }
    }
    Some(rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_files_are_relevant() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(rel("/site/site.yaml").as_deref(), Some("site.yaml"));
        assert_eq!(
            rel("/site/content/meetings/a.md").as_deref(),
            Some("content/meetings/a.md")
        );
        assert_eq!(
            rel("/site/themes/default/templates/base.html").as_deref(),
            Some("themes/default/templates/base.html")
        );
        assert_eq!(rel("/site/content").as_deref(), Some("content"));
        assert_eq!(rel("/site/public/index.html"), None);
        assert_eq!(rel("/site/README.md"), None);
        assert_eq!(rel("/site/content/meetings/.a.md.swp"), None);
        assert_eq!(rel("/site/content/meetings/a.md~"), None);
        assert_eq!(rel("/site/content/.git/x"), None);
        assert_eq!(rel("/elsewhere/site.yaml"), None);
    }
}
