#!/usr/bin/env bash
# Where does `annex build` spend its time? Profiles one build of the bench's
# synthetic release and prints the top functions, self and inclusive.
#
#   bash bench/profile.sh [N=10000] [OUT=/dev/shm/annex-profile]
#
# Uses perf (sampling, DWARF call graphs: the release profile keeps line
# tables but not frame pointers) when `perf record` works (this VM has no
# hardware counters, so perf samples the cpu-clock and counts task-clock),
# else valgrind's callgrind (exact instruction counts; about 50x slower, so
# keep N small). Reports: $OUT/perf-self.txt, $OUT/perf-inclusive.txt
# (or $OUT/callgrind.txt), and `perf stat` counters in $OUT/stat.txt.
set -euo pipefail
N=${1:-10000}
OUT=${2:-/dev/shm/annex-profile}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
SITE=$OUT/site-$N

cargo build --release --bin annex --manifest-path "$REPO/Cargo.toml"
ANNEX=${CARGO_TARGET_DIR:-$REPO/target}/release/annex
mkdir -p "$OUT"
[ -f "$SITE/site.yaml" ] || python3 "$HERE/corpus.py" site "$N" "$SITE" > /dev/null
rm -rf "$SITE/public"
"$ANNEX" build --root "$SITE" > /dev/null   # warm the page cache
rm -rf "$SITE/public"

# Strips perf's padding and the runtime's own frames, keeps 60 rows.
tidy() {
  grep -E '^ +[0-9]' | sed -E 's/ +- +- *$//; s/[[:space:]]+$//' | cut -c1-180 \
    | grep -v -E 'rayon_core|rayon::|std::rt|std::panic|catch_unwind|lang_start|call_once|__rust_begin|_start$|start_thread|clone3|\] 0x0|\] main$' \
    | head -60
}

if perf record -q -o /dev/null true > /dev/null 2>&1; then
  perf stat -e task-clock,page-faults,context-switches -o "$OUT/stat.txt" \
    "$ANNEX" build --root "$SITE" > /dev/null
  rm -rf "$SITE/public"
  perf record -q -F 1999 --call-graph dwarf,16384 -o "$OUT/perf.data" \
    "$ANNEX" build --root "$SITE" > /dev/null
  perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | tidy > "$OUT/perf-self.txt"
  perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | tidy > "$OUT/perf-inclusive.txt"
  cat "$OUT/stat.txt"
  echo "== top self (perf, N=$N)";      head -30 "$OUT/perf-self.txt"
  echo "== top inclusive (perf, N=$N)"; head -45 "$OUT/perf-inclusive.txt"
else
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    "$ANNEX" build --root "$SITE" > /dev/null
  callgrind_annotate --inclusive=yes "$OUT/callgrind.out" | head -80 > "$OUT/callgrind.txt"
  cat "$OUT/callgrind.txt"
fi
