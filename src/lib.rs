//! annex: a static site generator for annotated releases of official information.
//!
//! The pipeline, one module per stage:
//! `load` (read `site.yaml` and `content/`) → `resolve` (check every
//! reference, build the graph) → `render` (Markdown with redaction badges,
//! then Tera templates) → `write` (to a fresh folder, swapped in whole).
//! `import` fills `content/` from a release's text; `check` and `serve`
//! reuse the stages.

pub mod build;
pub mod cards;
pub mod check;
pub mod cite;
pub mod cmd;
pub mod compare;
pub mod diagnostics;
pub mod export;
pub mod grounds;
pub mod import;
pub mod init;
pub mod load;
pub mod markers;
pub mod model;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
#[cfg(test)]
mod testing;
pub mod text;
pub mod write;
pub mod yaml;
