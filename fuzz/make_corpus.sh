#!/usr/bin/env bash
# Builds the seed corpora in fuzz/corpus/<target>/ (ignored by git) from the
# repository's real content, so fuzzing starts from realistic inputs:
#   front_matter  every content file and site.yaml under content/ and tests/fixtures/
#   markers       fuzz/seeds/markers/ (every notation the grammar reads) and each
#                 line of the content and seed release that holds a code
#   import_text   tests/fixtures/import/small-release.txt, the seed release
#                 (../shared/seeds/ when it is beside the checkout), and a few cuts of it
#   pdf_text      fuzz/seeds/pdf_text/ (`pdftotext -layout` of the comparison PDFs,
#                 first byte = page where the second file starts), and, when
#                 python3 with reportlab and pdftotext are installed, the layout
#                 text of freshly made comparison PDFs
# Run from anywhere; existing corpus files (what the fuzzer found) are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out"/{front_matter,markers,import_text,pdf_text}

seed() { # seed TARGET FILE: copy under a content hash, as libFuzzer names files
    local sum
    sum=$(sha1sum "$2" | cut -c1-40)
    cp "$2" "$out/$1/$sum"
}

while IFS= read -r -d '' f; do seed front_matter "$f"; done \
    < <(find content tests/fixtures -type f \( -name '*.md' -o -name '*.yaml' \) -print0)
[ -f site.yaml ] && seed front_matter site.yaml

for f in fuzz/seeds/markers/*; do seed markers "$f"; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
release=
for d in ../shared/seeds ../../shared/seeds; do
    [ -f "$d/002_844ded7d17077c26.txt" ] && release=$d/002_844ded7d17077c26.txt && break
done
cat content/*.md content/*/*.md ${release:+"$release"} 2>/dev/null \
    | grep -E 's ?\.? ?[0-9]{1,2}[A-Z]?\(|[Oo]ut of scope|\(b\)\(' | sort -u > "$tmp/lines" || true
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s\n' "$line" > "$tmp/m$n"
    seed markers "$tmp/m$n"
done < "$tmp/lines"

seed import_text tests/fixtures/import/small-release.txt
if [ -n "$release" ]; then
    seed import_text "$release"
    # The letter and schedule with the first documents, and the documents alone.
    head -c 16000 "$release" > "$tmp/head" && seed import_text "$tmp/head"
    tail -c 12000 "$release" > "$tmp/tail" && seed import_text "$tmp/tail"
fi

for f in fuzz/seeds/pdf_text/*; do seed pdf_text "$f"; done
if [ -n "$release" ]; then
    # The seed release as pdftotext would page it: a form feed after each
    # page's "Released under the Official Information Act 1982" stamp.
    { printf '\000'; head -c 20000 "$release" \
        | awk '{ print } /^Released under the Official Information Act 1982/ { printf "\f" }'; } \
        > "$tmp/seed" && seed pdf_text "$tmp/seed"
fi
if command -v pdftotext > /dev/null && python3 -c 'import reportlab, PIL' 2> /dev/null; then
    python3 tests/fixtures/pdf/make_comparison_pdfs.py "$tmp/pdfs" > /dev/null
    for pdf in "$tmp"/pdfs/*.pdf; do
        pdftotext -layout "$pdf" "$tmp/layout.txt"
        # Keep seeds short: the first 12 pages of each file.
        { printf '\000'; head -c 40000 "$tmp/layout.txt"; } > "$tmp/seed" && seed pdf_text "$tmp/seed"
        { printf '\002'; head -c 8000 "$tmp/layout.txt"; } > "$tmp/seed" && seed pdf_text "$tmp/seed"
    done
fi

for t in front_matter markers import_text pdf_text; do
    echo "$t: $(ls "$out/$t" | wc -l) files, $(du -sh "$out/$t" | cut -f1)"
done
