#!/usr/bin/env bash
# Cloudflare Pages build command for an annex site:
#   Build command:           bash docs/examples/cloudflare-pages-build.sh
#   Build output directory:  public
#   Environment variable:    ANNEX_BASE_URL = the site's address, e.g. https://<project>.pages.dev/
# Cloudflare's build image has no Rust toolchain, so this installs one with rustup first
# (skipped where cargo already exists). CI runs it with
# ANNEX_BASE_URL=https://example.pages.dev/: scripts/deploy_recipes_test.sh.
set -euo pipefail
if ! command -v cargo >/dev/null 2>&1; then
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  export PATH="$HOME/.cargo/bin:$PATH"
fi
cargo run --release -- build --base-url "${ANNEX_BASE_URL:?set ANNEX_BASE_URL to the site address, e.g. https://<project>.pages.dev/}"
