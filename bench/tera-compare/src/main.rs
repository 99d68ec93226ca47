//! Renders the same meeting pages with Tera 1.x and Tera 2.x, so that annex
//! can choose its template engine by the numbers (issue 6).
//!
//! `cargo run --release -- [N=10000] [RUNS=5]` from `bench/tera-compare/`.
//!
//! The pages are shaped like annex's meeting pages: a base template with
//! blocks, participants by side, documents, statistics, press quotes and a
//! pre-rendered HTML body of about 2.5 KB with badge groups, so the templates
//! do the same share of work as in a build. Each page's context is made from
//! a serde struct, as a renderer does. One thread: this measures the engines,
//! not the scheduling. Both engines must produce byte-identical pages.

use std::time::Instant;

use serde::Serialize;

#[derive(Serialize)]
struct Site {
    title: String,
    description: String,
    base_url: String,
    language: String,
}

#[derive(Serialize)]
struct Release {
    agency: String,
    reference: String,
}

#[derive(Serialize)]
struct NavItem {
    path: String,
    label: String,
    current: bool,
}

#[derive(Serialize)]
struct Person {
    name: String,
    role: Option<String>,
    withheld: Option<String>,
    anchor: String,
}

#[derive(Serialize)]
struct Side {
    side: String,
    people: Vec<Person>,
}

#[derive(Serialize)]
struct DocLink {
    slug: String,
    title: String,
    pages: String,
}

#[derive(Serialize)]
struct Stats {
    released: u32,
    partly: u32,
    withheld: u32,
}

#[derive(Serialize)]
struct GroundCount {
    code: String,
    slug: String,
    count: u32,
}

#[derive(Serialize)]
struct PressQuote {
    slug: String,
    outlet: String,
    quote: String,
    date: Option<String>,
}

#[derive(Serialize)]
struct Meeting {
    slug: String,
    title: String,
    date: String,
    date_long: String,
    place: Option<String>,
    request_item: String,
    scope: String,
    scope_label: String,
    sides: Vec<Side>,
    documents: Vec<DocLink>,
    stats: Stats,
    grounds: Vec<GroundCount>,
    press: Vec<PressQuote>,
    body_html: String,
}

#[derive(Serialize)]
struct Neighbour {
    slug: String,
    title: String,
}

#[derive(Serialize)]
struct Page<'a> {
    site: &'a Site,
    release: &'a Release,
    nav: &'a [NavItem],
    root: &'static str,
    page_path: String,
    meeting: &'a Meeting,
    prev: Option<Neighbour>,
    next: Option<Neighbour>,
}

/// A small deterministic generator (no dependency, same pages every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "committee",
    "noted",
    "that",
    "officials",
    "had",
    "provided",
    "advice",
    "on",
    "options",
    "for",
    "proposed",
    "approach",
    "including",
    "costs",
    "risks",
    "timing",
    "implementation",
    "across",
    "agencies",
    "and",
    "further",
    "work",
    "would",
    "be",
    "reported",
];
const GROUNDS: &[&str] = &[
    "s6(a)",
    "s6(b)(i)",
    "s9(2)(a)",
    "s9(2)(g)(i)",
    "s9(2)(h)",
    "s18(d)",
];
const NAMES: &[&str] = &[
    "Aroha Smith",
    "Ben Clark",
    "Chloe O'Brien",
    "Hemi Ngata",
    "Isla King",
];
const ROLES: &[&str] = &[
    "Minister of Finance",
    "Chief Executive",
    "Deputy Secretary",
    "Private Secretary",
];

fn slug(code: &str) -> String {
    let mut s = String::new();
    for c in code.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

fn badge(code: &str) -> String {
    format!(
        "<span class=\"badge-group\" data-grounds=\"{code}\"><a class=\"badge\" href=\"../../grounds/{}/\" \
         aria-label=\"Withheld under section {} of the Official Information Act\">{code}</a></span>",
        slug(code),
        &code[1..]
    )
}

fn meetings(n: usize) -> Vec<Meeting> {
    let mut rng = Rng(0x2024_0601_dead_beef);
    (0..n)
        .map(|i| {
            let mut body = String::from("<h2>Minutes</h2>\n<ol>\n");
            let paras = 8 + rng.below(11);
            let (mut released, mut partly, mut withheld) = (0, 0, 0);
            for k in 1..=paras {
                if rng.below(10) < 4 {
                    withheld += 1;
                    body.push_str(&format!(
                        "<li id=\"p{k}\" class=\"withheld-in-full\">{}</li>\n",
                        badge(rng.pick(GROUNDS))
                    ));
                } else {
                    let words: Vec<&str> =
                        (0..10 + rng.below(25)).map(|_| rng.pick(WORDS)).collect();
                    let mut text = words.join(" ");
                    if rng.below(100) < 15 {
                        partly += 1;
                        text.push(' ');
                        text.push_str(&badge(rng.pick(GROUNDS)));
                    } else {
                        released += 1;
                    }
                    body.push_str(&format!("<li id=\"p{k}\"><p>{text}.</p></li>\n"));
                }
            }
            body.push_str("</ol>\n");
            let people = (0..3 + rng.below(7))
                .map(|k| {
                    let name = rng.pick(NAMES).to_string();
                    Person {
                        anchor: slug(&name),
                        role: Some(rng.pick(ROLES).to_string()),
                        withheld: (k == 5).then(|| "s9(2)(a)".to_string()),
                        name,
                    }
                })
                .collect();
            let press = (0..rng.below(3))
                .map(|j| PressQuote {
                    slug: format!("p-{:05}", (i * 3 + j as usize) % 1333 + 1),
                    outlet: "RNZ".into(),
                    quote: format!("The decision on item {i} was reported (quote {j})."),
                    date: Some("2024-07-10".into()),
                })
                .collect();
            Meeting {
                slug: format!("m-{:05}", i + 1),
                title: format!("Cabinet Committee: meeting {:05} on housing supply", i + 1),
                date: "2024-07-09".into(),
                date_long: "9 July 2024".into(),
                place: (i % 2 == 0).then(|| "Wellington".to_string()),
                request_item: "1".into(),
                scope: "partly-withheld".into(),
                scope_label: "Partly withheld".into(),
                sides: vec![Side {
                    side: "New Zealand".into(),
                    people,
                }],
                documents: vec![DocLink {
                    slug: format!("d-{:05}", i * 13 / 15 + 1),
                    title: format!("File Note: meeting {:05} & its <minutes>", i + 1),
                    pages: "3-4".into(),
                }],
                stats: Stats {
                    released,
                    partly,
                    withheld,
                },
                grounds: GROUNDS[..3]
                    .iter()
                    .map(|g| GroundCount {
                        code: g.to_string(),
                        slug: slug(g),
                        count: 2,
                    })
                    .collect(),
                press,
                body_html: body,
            }
        })
        .collect()
}

fn page<'a>(
    ms: &'a [Meeting],
    i: usize,
    site: &'a Site,
    release: &'a Release,
    nav: &'a [NavItem],
) -> Page<'a> {
    let nb = |m: &Meeting| Neighbour {
        slug: m.slug.clone(),
        title: m.title.clone(),
    };
    Page {
        site,
        release,
        nav,
        root: "../../",
        page_path: format!("meetings/{}/", ms[i].slug),
        meeting: &ms[i],
        prev: i.checked_sub(1).map(|p| nb(&ms[p])),
        next: ms.get(i + 1).map(nb),
    }
}

fn template(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/");
    std::fs::read_to_string(format!("{dir}{name}")).expect("template file")
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let runs = args.get(1).copied().unwrap_or(5);
    let site = Site {
        title: "Synthetic release".into(),
        description: "A synthetic release for annex's benchmark".into(),
        base_url: "https://example.org/".into(),
        language: "en-NZ".into(),
    };
    let release = Release {
        agency: "Synthetic Ministry".into(),
        reference: "OIA 00000".into(),
    };
    let nav: Vec<NavItem> = [
        "meetings/",
        "documents/",
        "press/",
        "grounds/",
        "participants/",
    ]
    .iter()
    .map(|p| NavItem {
        path: p.to_string(),
        label: p.trim_end_matches('/').to_string(),
        current: *p == "meetings/",
    })
    .collect();
    let ms = meetings(n);
    let (base, meeting) = (template("base.html"), template("meeting.html"));

    let t = Instant::now();
    let mut t1 = tera1::Tera::default();
    t1.add_raw_templates(vec![
        ("base.html", base.as_str()),
        ("meeting.html", meeting.as_str()),
    ])
    .expect("tera 1 templates");
    let compile1 = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut t2 = tera2::Tera::default();
    t2.add_raw_templates(vec![
        ("base.html", base.as_str()),
        ("meeting.html", meeting.as_str()),
    ])
    .expect("tera 2 templates");
    let compile2 = t.elapsed().as_secs_f64();

    let render1 = |i: usize| -> String {
        let ctx =
            tera1::Context::from_serialize(page(&ms, i, &site, &release, &nav)).expect("context");
        t1.render("meeting.html", &ctx).expect("tera 1 render")
    };
    let render2 = |i: usize| -> String {
        let ctx =
            tera2::Context::from_serialize(&page(&ms, i, &site, &release, &nav)).expect("context");
        t2.render("meeting.html", &ctx).expect("tera 2 render")
    };

    // Tera 1 escapes `/` as `&#x2F;` (Tera 2 leaves it) and `'` as `&#x27;`
    // (Tera 2: `&#39;`); apart from that
    // the pages must be the same.
    let mut differ = 0;
    for i in 0..n {
        if render1(i).replace("&#x2F;", "/").replace("&#x27;", "&#39;") != render2(i) {
            differ += 1;
            if differ == 1 {
                eprintln!(
                    "first differing page: {i}\n--- tera 1\n{}\n--- tera 2\n{}",
                    render1(i),
                    render2(i)
                );
            }
        }
    }
    let (mut w1, mut w2, mut bytes1, mut bytes2) = (vec![], vec![], 0, 0);
    for _ in 0..runs {
        // alternate the engines so that machine load hits both alike
        let t = Instant::now();
        bytes1 = (0..n).map(|i| render1(i).len()).sum::<usize>();
        w1.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        bytes2 = (0..n).map(|i| render2(i).len()).sum::<usize>();
        w2.push(t.elapsed().as_secs_f64());
    }
    let (m1, m2) = (median(w1.clone()), median(w2.clone()));
    println!("| engine | compile ms | render {n} pages s (median of {runs}) | min–max s | µs/page | output bytes |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, c, m, w, bytes) in [
        ("tera 1.20.1", compile1, m1, &w1, bytes1),
        ("tera 2.4.0", compile2, m2, &w2, bytes2),
    ] {
        let (lo, hi) = w
            .iter()
            .fold((f64::MAX, 0f64), |(l, h), x| (l.min(*x), h.max(*x)));
        println!(
            "| {name} | {:.2} | {m:.3} | {lo:.3}–{hi:.3} | {:.1} | {bytes} |",
            c * 1e3,
            m / n as f64 * 1e6
        );
    }
    println!("\ntera 2 / tera 1 = {:.2}; pages differing (other than escaping `/` and `'`): {differ} of {n}", m2 / m1);
}
