#!/usr/bin/env python3
"""Synthetic releases for annex's benchmark, built on the peers' corpus generator.

Two generators:

* `write_site(n, root, seed)`: a release project in annex's content model
  (`site.yaml`, `content/release.md`, `content/meetings`, `content/documents`,
  `content/press`). Its meetings are exactly the meetings of
  `../shared/bench/gen_corpus.py` for the same N and seed: the same titles,
  dates, attendees, paragraphs and markers, produced by gen_corpus's own
  `make_meeting` and `body_markdown` (imported, not copied). Only the notation
  changes where annex's model differs:
    - markers are written as releases print them (`s6(a), s6(b)(i)`), not in the
      brackets gen_corpus adds for the peers' regex (`[s6(a), s6(b)(i)]`);
    - attendees become `participants` (name and role, one side);
    - the `withheld` list is not written (annex derives it from the markers);
    - each press link becomes a reference to a press item with a quote.
  Documents and press items are added in the real release's proportions
  (OIA 29619: 15 meetings, 13 documents, 2 press items). They come from a
  second random stream, so adding them never changes the meetings.
* `write_release_text(pages, path, seed)`: the extracted text of a release in
  the form of `../shared/seeds/002_*.txt` (cover letter, Annex A as a
  tab-separated table, documents with "Released under the Official Information
  Act 1982" stamps at the foot of every page), for `annex import`.

Everything derives from `random.Random(seed)`: same arguments, same bytes.

Command line (for looking at the output by hand; run.py calls the functions):
    corpus.py site N ROOT [--seed S]
    corpus.py release-text PAGES FILE [--seed S]
"""
import argparse
import datetime as dt
import importlib.util
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# OIA 29619 has 15 meetings, 13 documents and 2 press items.
DOCS_PER_MEETING = 13 / 15
PRESS_PER_MEETING = 2 / 15
DEFAULT_SEED = 20240601


def peers_bench_dir():
    """Where the shared peer benchmark lives: $ANNEX_PEERS_BENCH, else the
    `shared/bench` folder beside the repository (CI's layout: a clone with
    shared/ beside it) or beside the worktree folder (developers' layout)."""
    cands = [os.environ.get("ANNEX_PEERS_BENCH"),
             os.path.join(REPO, "..", "shared", "bench"),
             os.path.join(REPO, "..", "..", "shared", "bench")]
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "gen_corpus.py")):
            return os.path.abspath(c)
    sys.exit("bench: cannot find shared/bench/gen_corpus.py beside the repository; "
             "set ANNEX_PEERS_BENCH to its folder")


def gen_corpus():
    """Imports the peers' generator, so both sides get the very same meetings."""
    path = os.path.join(peers_bench_dir(), "gen_corpus.py")
    spec = importlib.util.spec_from_file_location("gen_corpus", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GC = gen_corpus()
yq = GC.yq
BRACKETED = re.compile(GC.MARKER_RE)


def meetings(n, seed):
    """gen_corpus's meetings, drawn exactly as its main() draws them."""
    rng = random.Random(seed)
    start = dt.date(2015, 1, 5)
    return [GC.make_meeting(rng, i, start) for i in range(n)]


def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def split_attendee(a):
    """`Hon. Aroha Smith (Minister of Finance)` -> (name, role)."""
    name, _, role = a.rpartition(" (")
    return name, role.rstrip(")")


def paragraph(rng, n):
    """A numbered paragraph in gen_corpus's mix: 40% withheld in full, 15% of
    the rest with one marker mid-sentence. Release notation (no brackets)."""
    if rng.random() < 0.40:
        k = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        gs = sorted(set(rng.choice(GC.GROUNDS) for _ in range(k)), key=GC.GROUNDS.index)
        return f"{n}. {', '.join(gs)}", gs
    words = (f"{GC.sentence(rng, rng.randint(10, 22))}. The committee "
             f"**{rng.choice(GC.VERBS)}** {' '.join(rng.choice(GC.WORDS) for _ in range(rng.randint(8, 20)))}.").split(" ")
    used = []
    if rng.random() < 0.15:
        g = rng.choice(GC.GROUNDS)
        used.append(g)
        cut = len(words) // 2
        words = words[:cut] + [g] + words[cut:]
    return f"{n}. {' '.join(words)}", used


class Plan:
    """Who covers what: documents and press items laid over the meetings."""

    def __init__(self, n, seed):
        self.ms = meetings(n, seed)
        self.n_docs = max(1, round(n * DOCS_PER_MEETING))
        self.n_press = max(1, round(n * PRESS_PER_MEETING))
        rng = random.Random(seed * 7919 + 1)   # a stream of its own: meetings stay gen_corpus's
        # meeting i is covered by document doc_of[i]; consecutive meetings share one
        self.doc_of = [i * self.n_docs // n for i in range(n)]
        self.doc_meetings = [[] for _ in range(self.n_docs)]
        for i, d in enumerate(self.doc_of):
            self.doc_meetings[d].append(i)
        self.doc_pages = []
        page = 1
        for _ in range(self.n_docs):
            k = rng.choices([1, 2, 3, 4, 5], weights=[3, 4, 3, 2, 1])[0]
            self.doc_pages.append((page, page + k - 1))
            page += k
        self.release_pages = page - 1
        self.doc_rng_seed = rng.randrange(1 << 30)
        # press link j of meeting i -> press item; each item gathers the quotes that cite it
        self.press_of = {}
        self.press_quotes = [[] for _ in range(self.n_press)]
        for i, m in enumerate(self.ms):
            for j, p in enumerate(m["press"]):
                k = (i * 3 + j) * 7 % self.n_press
                quote = f"{p['title']} ({p['url']})"
                self.press_of[(i, j)] = (k, quote)
                self.press_quotes[k].append(quote)
        self.press_outlets = [rng.choice(GC.OUTLETS) for _ in range(self.n_press)]


def slug_m(i):
    return f"m-{i + 1:05d}"


def slug_d(d):
    return f"d-{d + 1:05d}"


def slug_p(k):
    return f"p-{k + 1:05d}"


def pages_str(r):
    return f"{r[0]}" if r[0] == r[1] else f"{r[0]}-{r[1]}"


def meeting_file(plan, i):
    m = plan.ms[i]
    d = plan.doc_of[i]
    lines = ["---", f"title: {yq(m['title'])}", f"date: {m['date']}", 'request_item: "1"',
             f"scope: {'partly-withheld' if m['withheld'] else 'released'}",
             "participants:", '  - side: "New Zealand"', "    people:"]
    for a in m["attendees"]:
        name, role = split_attendee(a)
        lines += [f"      - name: {yq(name)}", f"        role: {yq(role)}"]
    lines += ["sources:", f"  - document: {slug_d(d)}", f'    pages: "{pages_str(plan.doc_pages[d])}"']
    if m["press"]:
        lines.append("press:")
        for j in range(len(m["press"])):
            k, quote = plan.press_of[(i, j)]
            lines += [f"  - item: {slug_p(k)}", f"    quote: {yq(quote)}"]
    lines.append("---")
    # gen_corpus's own body, with its brackets taken off the markers
    body = BRACKETED.sub(r"\1", GC.body_markdown(m, baked=False))
    return "\n".join(lines) + "\n\n" + body


def document_file(plan, d, rng):
    covered = plan.doc_meetings[d]
    first = plan.ms[covered[0]]
    kind = "formal-message" if d % 10 == 9 else "file-note"
    title = ("FORMAL MESSAGE: " + first["title"].upper()) if kind == "formal-message" \
        else f"File Note: {first['title']}"
    p0, p1 = plan.doc_pages[d]
    lines = ["---", f"title: {yq(title)}", f"kind: {kind}", 'author: "Synthetic Embassy"',
             f"date: {first['date']}", "classification: RESTRICTED", f'pages: "{pages_str((p0, p1))}"',
             "meetings:"] + [f"  - {slug_m(i)}" for i in covered] + ["---", ""]
    n = 0
    for page in range(p0, p1 + 1):
        lines += [f"<!-- page {page} -->", ""]
        for _ in range(rng.randint(3, 6)):
            n += 1
            text, _ = paragraph(rng, n)
            lines += [text, ""]
    return "\n".join(lines)


def press_file(plan, k):
    outlet = plan.press_outlets[k]
    lines = ["---", f"outlet: {yq(outlet)}", f"title: {yq(f'{outlet} report {k + 1:05d}')}",
             f"url: {yq(f'https://example.org/press/{slug_p(k)}')}", 'genre: "news report"', "---", "",
             f"Synthetic press item {k + 1} for the annex benchmark. It reports these decisions:", ""]
    for q in plan.press_quotes[k]:
        lines += [q, ""]
    return "\n".join(lines)


SITE_YAML = """title: "Synthetic release: {n} meetings"
description: "A synthetic release generated for annex's benchmark (bench/corpus.py); not a real agency's release."
base_url: "/"
language: "en-NZ"
# Hugo and Zola build no search index; like for like, the timed builds don't
# either. bench/run.py times builds with the Pagefind index separately.
search: false
grounds:
  preset: nz-oia
"""


def release_file(plan, schedule=True):
    n = len(plan.ms)
    lines = ["---", 'reference: "OIA 00000"', 'agency: "Synthetic Ministry (benchmark fixture)"',
             'act: "Official Information Act 1982"', "response_date: 2024-10-11", "request_date: 2024-08-04",
             'signatory: "Synthetic Signatory"', "request_items:", '  - number: "1"',
             f'    text: "All reports, minutes and summaries of the {n} meetings listed in Annex A."',
             "grounds_cited:"]
    for g in GC.GROUNDS:
        lines += [f"  - code: {yq(g)}", '    reason: "Synthetic reason for the benchmark."']
    if schedule:
        lines.append("schedule:")
        for i, m in enumerate(plan.ms):
            d = plan.doc_of[i]
            lines += ['  - item: "1"', f"    subject: {yq(m['title'])}", f"    meeting: {slug_m(i)}",
                      "    documents:", f"      - title: {yq('File Note: ' + plan.ms[plan.doc_meetings[d][0]]['title'])}",
                      f"        document: {slug_d(d)}", f'        pages: "{pages_str(plan.doc_pages[d])}"']
    lines += ["---", "", "Tēnā koe", "",
              f"This synthetic release answers a request for the minutes of {n} meetings. "
              "It exists only to measure annex's build speed.", "", "Nāku noa, nā", "", "Synthetic Signatory", ""]
    return "\n".join(lines)


def write_site(n, root, seed=DEFAULT_SEED, schedule=True):
    """Writes the annex project for N meetings under ROOT; returns a summary dict."""
    plan = Plan(n, seed)
    w(os.path.join(root, "site.yaml"), SITE_YAML.format(n=n))
    w(os.path.join(root, "content", "release.md"), release_file(plan, schedule))
    fm_bytes = 0
    for i in range(n):
        text = meeting_file(plan, i)
        fm_bytes += text.index("\n---\n") + 5
        w(os.path.join(root, "content", "meetings", slug_m(i) + ".md"), text)
    rng = random.Random(plan.doc_rng_seed)
    for d in range(plan.n_docs):
        w(os.path.join(root, "content", "documents", slug_d(d) + ".md"), document_file(plan, d, rng))
    for k in range(plan.n_press):
        w(os.path.join(root, "content", "press", slug_p(k) + ".md"), press_file(plan, k))
    n_par = sum(len(m["paras"]) for m in plan.ms)
    n_red = sum(1 for m in plan.ms for p in m["paras"] if p[0] == "redacted")
    return {"meetings": n, "documents": plan.n_docs, "press": plan.n_press,
            "release_pages": plan.release_pages, "meeting_paragraphs": n_par,
            "meeting_paragraphs_redacted": n_red, "meeting_front_matter_bytes_mean": fm_bytes / max(n, 1)}


# ---------------------------------------------------------------------------
# Release text for `annex import`, in the seed's form
# ---------------------------------------------------------------------------

STAMP = "Released under the Official Information Act 1982"
GROUND_GLOSS = {
    "6(a)": "to avoid prejudicing the security or defence of New Zealand or the international relations of the New Zealand Government",
    "6(b)(i)": "to protect the passing of information from another government on a confidential basis",
    "9(2)(a)": "to protect the privacy of natural persons",
    "9(2)(g)(i)": "to protect the free and frank expression of opinions by departments",
}
TEXT_GROUNDS = ["s6(a)", "s6(b)(i)", "s9(2)(a)", "s9(2)(g)(i)"]


def write_release_text(pages, path, seed=DEFAULT_SEED):
    """Writes a release of PAGES pages in the seed's extracted-text form;
    returns a summary dict."""
    rng = random.Random(seed)
    start = dt.date(2024, 7, 1)
    docs = []          # (title, date, first page, last page)
    page = 1
    while page <= pages:
        k = min(rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[2, 3, 3, 3, 2, 1, 1])[0], pages - page + 1)
        i = len(docs)
        d = start + dt.timedelta(days=i // 4)
        who = f"{rng.choice(GC.FIRST)} {rng.choice(GC.LAST)}"
        topic = rng.choice(GC.TOPICS)
        if i % 10 == 9:
            title = f"FORMAL MESSAGE: MEETING {i + 1} WITH {who.upper()} ON {topic.upper()}"
        else:
            title = f"{rng.choice(['File Note', 'Note for File'])}: Meeting {i + 1} with {who} on {topic}"
        docs.append((title, d, page, page + k - 1, who, topic))
        page += k
    day = lambda d: f"{d.day} {d.strftime('%B %Y')}"
    out = [day(dt.date(2024, 10, 11)), "", "1 Synthetic Quay", "Private Bag 00-000", "Wellington 6160",
           "New Zealand", "", "OIA 00000", "", "Tēnā koe", "",
           "Thank you for your email of 4 August 2024, in which you request the following under the "
           "Official Information Act 1982 (OIA):", "",
           '"Please provide all reports, minutes, and summaries arising from the following engagements:', ""]
    for i, (title, d, p0, p1, who, topic) in enumerate(docs):
        out.append(f"- {i + 1}. A meeting with {who} on {day(d)} in Wellington about {topic}.")
    out[-1] += '"'
    out += ["", "On 12 September 2024, the timeframes for responding to your request were extended by an additional "
            "20 working days because responding to your request necessitated the review of a large quantity of "
            "information (section 15A(1)(a) of the OIA refers).", "",
            "The information relevant to your request is attached (contents detailed in **Annex A**). We have "
            "withheld some information under the following sections of the OIA:", ""]
    out += [f"- {g}: {gloss};" for g, gloss in GROUND_GLOSS.items()]
    out += ["", "This release is synthetic: it was generated for annex's import benchmark.", "",
            "Nāku noa, nā", "", "", "", "Synthetic Signatory", "for Secretary of Synthetic Affairs", "",
            "Annex A", "", "Request #\tMeeting\tDocuments in scope\tPages"]
    for i, (title, d, p0, p1, who, topic) in enumerate(docs):
        out.append(f"{i + 1}\tA meeting with {who} on {day(d)} in Wellington about {topic}.\t{title}\t"
                   f"{pages_str((p0, p1))}")
    out.append("")
    markers = 0
    for i, (title, d, p0, p1, who, topic) in enumerate(docs):
        if title.startswith("FORMAL MESSAGE"):
            out += [f"From: [WELLINGTON](#)", "To: [SYNTH](#)", f"Subject: {title}",
                    f"Date: {d.strftime('%A')}, {day(d)} 9:00:00 am", ""]
        else:
            out += [title, "", f"{day(d)}, Wellington", "", "Attendees:", "", "New Zealand:", ""]
            for _ in range(rng.randint(3, 7)):
                out.append(f"- {rng.choice(GC.ROLES)} {rng.choice(GC.FIRST)} {rng.choice(GC.LAST)}")
            out.append("")
        n = 0
        for _ in range(p0, p1 + 1):
            for _ in range(rng.randint(4, 7)):
                n += 1
                if rng.random() < 0.4:
                    k = rng.choices([1, 2], weights=[3, 1])[0]
                    gs = sorted(set(rng.choice(TEXT_GROUNDS) for _ in range(k)), key=TEXT_GROUNDS.index)
                    out += [f"{n}. {', '.join(gs)}", ""]
                    markers += len(gs)
                else:
                    text = f"{n}. {GC.sentence(rng, rng.randint(12, 30))}."
                    if rng.random() < 0.2:
                        text += " ^{" + rng.choice(TEXT_GROUNDS) + "}"
                        markers += 1
                    out += [text, ""]
            out += [STAMP, ""]
    w(path, "\n".join(out))
    return {"pages": pages, "documents": len(docs), "meetings": len(docs), "markers": markers,
            "bytes": os.path.getsize(path)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("site")
    s.add_argument("n", type=int)
    s.add_argument("root")
    s.add_argument("--seed", type=int, default=DEFAULT_SEED)
    s.add_argument("--no-schedule", action="store_true")
    r = sub.add_parser("release-text")
    r.add_argument("pages", type=int)
    r.add_argument("file")
    r.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args()
    if a.what == "site":
        print(write_site(a.n, a.root, a.seed, schedule=not a.no_schedule))
    else:
        print(write_release_text(a.pages, a.file, a.seed))


if __name__ == "__main__":
    main()
