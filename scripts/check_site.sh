#!/usr/bin/env bash
# The project's site checks: the shared validators, run with stricter rules.
# Usage: scripts/check_site.sh SITE_DIR [BASE_PATH] [SITE_URL]
#   e.g. scripts/check_site.sh target/ci/site-release /release/ https://example.org/release/
#
# Starts from ../shared/validators/check_site.sh and only ever adds failures:
#   1. the Nu Html Checker (vnu.jar) on every HTML, CSS and SVG file: zero errors; a
#      checker that exits non-zero without reporting an error counts as one error
#      (a crashed checker must not look like a clean site)
#   2. linkcheck.py: zero broken internal links or #anchors with the site served at
#      BASE_PATH; with SITE_URL, absolute links into the site itself are checked too
#   3. axe-core in Debian's headless chromium at 1280 and 375 px: zero violations of any
#      impact on EVERY page (set AXE_PAGES=N to sample N pages, as the shared script does),
#      spread over AXE_JOBS chromium processes (default 2)
#   4. every .xml file (sitemap, feeds) is well-formed
#   5. the site is not empty: it has an index.html and at least one HTML page
# Ends with: html_errors=N broken_links=N axe_violations=N (critical=N serious=N) xml_errors=N
# Exit 0 only when all are zero. Installs missing validators first (install.sh).
#
# Validators come from ../shared/validators/ beside the checkout when it exists
# (override with ANNEX_VALIDATORS=DIR), else from the copies in scripts/validators/.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${ANNEX_VALIDATORS:-}" ]; then vdir=$ANNEX_VALIDATORS
elif [ -f "$repo/../shared/validators/linkcheck.py" ]; then vdir=$(cd "$repo/../shared/validators" && pwd)
else vdir=$repo/scripts/validators; fi
site=$(cd "${1:?usage: check_site.sh SITE_DIR [BASE_PATH] [SITE_URL]}" && pwd) || exit 2
base=${2:-/}
base="/$(echo "$base" | sed 's#^/*##; s#/*$##')/"; [ "$base" = "//" ] && base=/
site_url=${3:-}
export VALIDATORS_DIR=${VALIDATORS_DIR:-"${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/annex-validators"}
echo "validators: $vdir"
bash "$vdir/install.sh" >/dev/null || { echo "install.sh failed"; exit 2; }
tmp=$(mktemp -d); server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi; rm -rf "$tmp"; }
trap cleanup EXIT

mapfile -t pages < <(cd "$site" && find . -name '*.html' | sed 's#^\./##' | LC_ALL=C sort)
if [ ! -f "$site/index.html" ] || [ ${#pages[@]} -eq 0 ]; then
  echo "$site has no index.html or no HTML pages: nothing to check counts as a failure"
  echo "html_errors=1 broken_links=1 axe_violations=1 (critical=? serious=?) xml_errors=0"
  exit 1
fi
echo "pages: ${#pages[@]}"

echo "== Nu Html Checker"
java -jar "$VALIDATORS_DIR/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html \
  --also-check-css --also-check-svg --format gnu "$site" 2>"$tmp/vnu.txt"
vnu_rc=$?
html_errors=$(grep -c ':.*error' "$tmp/vnu.txt" || true)
if [ "$vnu_rc" -ne 0 ] && [ "$html_errors" -eq 0 ]; then
  echo "vnu exited $vnu_rc without reporting an error:"; cat "$tmp/vnu.txt"; html_errors=1
fi
head -n 60 "$tmp/vnu.txt"

echo "== links and anchors"
link_args=("$site" --base "$base"); [ -n "$site_url" ] && link_args+=(--site-url "$site_url")
python3 "$vdir/linkcheck.py" "${link_args[@]}" | tee "$tmp/links.txt" | tail -n 31
broken=$(sed -n 's/^broken_links=\([0-9]*\).*/\1/p' "$tmp/links.txt"); broken=${broken:-1}

echo "== XML well-formedness"
python3 - "$site" <<'PY' | tee "$tmp/xml.txt"
import os, sys, xml.etree.ElementTree as ET
site, bad, n = sys.argv[1], 0, 0
for root, _, files in os.walk(site):
    for name in sorted(files):
        if name.endswith(".xml"):
            n += 1
            try:
                ET.parse(os.path.join(root, name))
            except ET.ParseError as e:
                bad += 1
                print(f"{os.path.relpath(os.path.join(root, name), site)}: {e}")
print(f"xml_errors={bad} files={n}")
PY
xml_errors=$(sed -n 's/^xml_errors=\([0-9]*\).*/\1/p' "$tmp/xml.txt"); xml_errors=${xml_errors:-1}

echo "== axe in chromium"
root="$tmp/root"; mkdir -p "$root"
if [ "$base" = "/" ]; then root="$site"
else mkdir -p "$root$(dirname "${base%/}")"; ln -s "$site" "$root${base%/}"; fi
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
limit=${AXE_PAGES:-0}
urls=("http://127.0.0.1:$port${base}")
n=${#pages[@]}; step=1
if [ "$limit" -gt 0 ] && [ "$n" -gt "$limit" ]; then step=$(( n / limit )); fi
for ((i = 0; i < n; i += step)); do
  p=${pages[$i]}; [ "$p" = "index.html" ] && continue
  urls+=("http://127.0.0.1:$port${base}${p%index.html}")
done
# Split the pages over AXE_JOBS chromium processes (default 2, one per core) and add up.
njobs=${AXE_JOBS:-2}; [ "$njobs" -ge 1 ] || njobs=1
echo "axe on ${#urls[@]} page(s) at 1280 and 375 px, $njobs process(es)"
pids=()
for ((j = 0; j < njobs; j++)); do
  part=()
  for ((k = j; k < ${#urls[@]}; k += njobs)); do part+=("${urls[$k]}"); done
  [ ${#part[@]} -gt 0 ] || continue
  node "$vdir/axe.mjs" "${part[@]}" > "$tmp/axe.$j.txt" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
axe=0 crit=0 ser=0 axe_pages=0
for f in "$tmp"/axe.*.txt; do
  grep -v '^axe_violations=' "$f" | tail -n 40
  line=$(grep '^axe_violations=' "$f" || true)
  if [ -z "$line" ]; then echo "axe.mjs ended without its summary ($f):"; tail -n 20 "$f"; axe=$((axe + 1)); continue; fi
  echo "$line"
  axe=$((axe + $(echo "$line" | sed -n 's/^axe_violations=\([0-9]*\).*/\1/p')))
  crit=$((crit + $(echo "$line" | sed -n 's/.*critical=\([0-9]*\).*/\1/p')))
  ser=$((ser + $(echo "$line" | sed -n 's/.*serious=\([0-9]*\).*/\1/p')))
  axe_pages=$((axe_pages + $(echo "$line" | sed -n 's/.*pages=\([0-9]*\).*/\1/p')))
done
if [ "$axe_pages" -ne "${#urls[@]}" ]; then
  echo "axe checked $axe_pages of ${#urls[@]} pages"; [ "$axe" = 0 ] && axe=1
fi

echo "html_errors=$html_errors broken_links=$broken axe_violations=$axe (critical=${crit:-?} serious=${ser:-?}) xml_errors=$xml_errors"
[ "$html_errors" = 0 ] && [ "$broken" = 0 ] && [ "$axe" = 0 ] && [ "$xml_errors" = 0 ]
