//! The card cache: rendered cards kept under the project
//! (`.annex-cache/cards/<key>.png`), keyed by a hash of what they show, so
//! that an unchanged card is read back rather than drawn again; the lock
//! its users share; and pruning, which removes the cards a build did not
//! use.

use std::path::{Path, PathBuf};

/// Changes whenever the drawing code, the fonts or the PNG encoder change,
/// so old cached cards are not reused for a new look, and a build from a
/// cache gives the same bytes as a build without one.
const CACHE_VERSION: &str = "cards-2 resvg-0.49 png-0.18 zlib-rs dejavu-2.37";

/// The cache key of a card described by `svg` (see `draw::Stripes`).
pub(super) fn key(svg: &str) -> u64 {
    fnv1a(&[CACHE_VERSION.as_bytes(), svg.as_bytes()])
}

/// What [`prune`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pruned {
    /// Removed this many unused cards (and files left by interrupted
    /// writes), of this many bytes.
    Removed { files: usize, bytes: u64 },
    /// Another build or `annex serve` was using the cache, so nothing was
    /// removed: a later build prunes it.
    Busy,
    /// There is no cache.
    NoCache,
    /// The file system has no file locks, so pruning could remove a card
    /// another build is about to use: nothing was removed.
    NoLocks,
}

/// The card folder of the project's cache.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".annex-cache").join("cards")
}

/// Everything that uses the cache holds this file's lock shared (a build
/// while it makes cards, `serve` for as long as it runs, since it serves
/// cached cards from their files); [`prune`] takes it exclusively, and only
/// if no one else holds it. So a card another process has found in the
/// cache, but not yet linked or read, is never removed under it.
const LOCK_FILE: &str = ".lock";

/// This process's shared holds on card caches: one open lock file per
/// cache and the number of its holders. One file, because where Linux
/// emulates `flock` with POSIX record locks (NFS, some FUSE file systems),
/// closing any handle on a file drops all of the process's locks on it.
static HOLDS: std::sync::Mutex<Vec<(PathBuf, std::fs::File, usize)>> =
    std::sync::Mutex::new(Vec::new());

fn holds() -> std::sync::MutexGuard<'static, Vec<(PathBuf, std::fs::File, usize)>> {
    HOLDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A shared hold on a project's card cache (see [`hold`]); released when
/// dropped.
#[derive(Debug)]
pub struct Hold {
    cache: PathBuf,
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut holds = holds();
        if let Some(i) = holds.iter().position(|(c, ..)| *c == self.cache) {
            holds[i].2 -= 1;
            if holds[i].2 == 0 {
                // Closing the file releases the lock.
                holds.swap_remove(i);
            }
        }
    }
}

/// Holds the cache of the project at `root` until the hold is dropped, so
/// that no build removes a card from it meanwhile ([`prune`] finds it
/// busy). Waits while a prune runs. `None` where the cache cannot be made
/// (a read-only project: nothing is cached to protect) or locked.
pub fn hold(root: &Path) -> Option<Hold> {
    let cache = cache_dir(root);
    let mut holds = holds();
    if let Some(held) = holds.iter_mut().find(|(c, ..)| *c == cache) {
        held.2 += 1;
        return Some(Hold { cache });
    }
    let file = open_lock(&cache).ok()?;
    file.lock_shared().ok()?;
    holds.push((cache.clone(), file, 1));
    Some(Hold { cache })
}

fn open_lock(cache: &Path) -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all(cache)?;
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(cache.join(LOCK_FILE))
}

/// Removes from the cache of the project at `root` every card whose key is
/// not in `keys` (a successful build's [`super::CardReport::keys`], sorted) and
/// every temporary file an interrupted write left behind. Other files are
/// left alone: only names the cache itself makes are removed. Without this,
/// every edit that changes a card (a title, a date, a count withheld) would
/// leave its old card in the cache for good.
pub fn prune(root: &Path, keys: &[u64]) -> std::io::Result<Pruned> {
    let cache = cache_dir(root);
    if !cache.is_dir() {
        return Ok(Pruned::NoCache);
    }
    // A hold of this process's own (`serve` run as a library) counts too.
    if holds().iter().any(|(c, ..)| *c == cache) {
        return Ok(Pruned::Busy);
    }
    let lock = open_lock(&cache)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Pruned::Busy),
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            return Ok(Pruned::NoLocks)
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(&cache)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = match cache_entry(name) {
            // A temporary file's writer held the lock shared: none is
            // writing now that this holds it exclusively.
            Some(Entry::Temporary) => true,
            Some(Entry::Card(key)) => keys.binary_search(&key).is_err(),
            None => false,
        };
        if stale {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    files += 1;
                    bytes += size;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Pruned::Removed { files, bytes })
}

/// The file name of the card with this key in the cache.
pub fn cache_name(key: u64) -> String {
    format!("{key:016x}.png")
}

/// Puts the card with this key into the cache folder `cache`: written
/// under a temporary name, then renamed, so that no reader ever finds half
/// a card. The cache is an optimisation: where it cannot be written (a
/// read-only project), the build goes on without it.
pub(super) fn put(cache: &Path, key: u64, bytes: &[u8]) {
    if std::fs::create_dir_all(cache).is_ok() {
        let tmp = cache.join(format!("{key:016x}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, cache.join(cache_name(key)));
        }
    }
}

/// A file the cache made: a card (`<16 hex digits>.png`, its key) or a
/// card being written (`<key>.<process id>.tmp`).
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Card(u64),
    Temporary,
}

fn cache_entry(name: &str) -> Option<Entry> {
    let key = |hex: &str| {
        (hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| u64::from_str_radix(hex, 16).ok())
            .flatten()
    };
    if let Some(hex) = name.strip_suffix(".png") {
        return key(hex).map(Entry::Card);
    }
    let (hex, pid) = name.strip_suffix(".tmp")?.split_once('.')?;
    let pid_ok = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (key(hex).is_some() && pid_ok).then_some(Entry::Temporary)
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, which the
/// standard library's hasher is not promised to be.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate parts, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_knows_the_cache_s_own_names_only() {
        assert_eq!(
            cache_entry("00ff00ff00ff00ff.png"),
            Some(Entry::Card(0x00ff_00ff_00ff_00ff))
        );
        assert_eq!(
            cache_entry("00ff00ff00ff00ff.77.tmp"),
            Some(Entry::Temporary)
        );
        for other in [
            ".lock",
            "notes.png",
            "00ff00ff00ff00f.png",
            "00ff00ff00ff00ffa.png",
            "00FF00FF00FF00FF.png",
            "+0ff00ff00ff00ff.png",
            "00ff00ff00ff00ff.tmp",
            "00ff00ff00ff00ff.x.tmp",
            "00ff00ff00ff00ff.png.bak",
        ] {
            assert_eq!(cache_entry(other), None, "{other}");
        }
    }

    #[test]
    fn hash_is_stable() {
        // No parts: FNV-1a's offset basis, a published constant.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
