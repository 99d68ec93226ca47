#!/usr/bin/env python3
"""annex's benchmark: everything issue 6 asks for, measured in one run.

    python3 bench/run.py            # full run: N = 1,000, 10,000 and 100,000
    python3 bench/run.py --quick    # smoke test: N = 1,000 only, 1 run each

What one run does (see bench/RESULTS.md for the figures and how to read them):
 1. Puts its work on a tmpfs: mounts one at /mnt/annex-bench when it runs as
    root, else uses /dev/shm; the results say which.
 2. Builds annex with `cargo build --release`; installs Debian's `hugo` with
    apt-get if it is missing.
 3. For each N: generates gen_corpus.py's corpus (Hugo layout) and the same
    meetings as an annex release (bench/corpus.py), then times cold full
    builds (output folder removed before every run, untimed) of annex and of
    Hugo, and the floors (`cat` of every annex source file, `cp -r` of annex's
    own output, and both on two cores as annex does them: see
    two_core_floor). Wall and CPU time come from wait4() on the child, peak RSS
    from GNU time around it (see run_once), so each run is one process's
    own figures. Hugo runs with --buildFuture (the largest corpus's dates
    run past today).
 4. Incremental: at N = 10,000, starts `annex serve`, saves edits to single
    meetings (each meeting twice: its body, then its title in the front
    matter) and times each save until the reload message reaches a client.
 5. Import: generates a 5,000-page release text in the seed's form and times
    `annex import` of it.
 6. Writes results.json and summary.md (tables, annex/Hugo ratios from this
    same run, targets met or not) into the results folder and prints the summary.
"""
import argparse
import base64
import datetime as dt
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import corpus  # noqa: E402  (after the path is set)

MIB = 1024 * 1024
TARGETS = {"build_10k_s": 0.8, "hugo_ratio": 0.25, "floor_ratio": 1.5, "rss_10k_mib": 200,
           "rss_100k_mib": 1536, "incremental_ms": 50, "import_s": 0.5}


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def capture(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout.strip()
    except OSError as e:
        return f"unavailable ({e})"


# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------

def fs_type(path):
    return capture(["stat", "-f", "-c", "%T", path])


def setup_work(args):
    """A tmpfs to work on: (folder, description, mountpoint we mounted or None)."""
    if args.work:
        os.makedirs(args.work, exist_ok=True)
        return args.work, f"{fs_type(args.work)} at {args.work} (given with --work)", None
    mnt = "/mnt/annex-bench"
    if os.geteuid() == 0:
        os.makedirs(mnt, exist_ok=True)
        if subprocess.run(["mountpoint", "-q", mnt]).returncode == 0:
            return mnt, f"{fs_type(mnt)} at {mnt} (already mounted)", None
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=75%", "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode == 0:
            return mnt, f"tmpfs at {mnt} (mounted by the bench, size=75% of RAM)", mnt
        log(f"mount -t tmpfs failed ({r.stderr.strip()}); falling back to /dev/shm")
    shm = "/dev/shm/annex-bench"
    os.makedirs(shm, exist_ok=True)
    kind = fs_type(shm)
    note = "" if kind == "tmpfs" else " (NOT a tmpfs: figures include the filesystem)"
    return shm, f"{kind} at {shm} (/dev/shm fallback){note}", None


def machine():
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "mem_gib": round(mem_kb / 1024 / 1024, 1), "kernel": os.uname().release,
            "cpu": cpu, "os": capture(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"])}


def autogroup():
    """The kernel's autogroup setting: when on (1), CPU time is shared between sessions
    first, so another terminal's `nice`d compile still takes a full core from the bench.
    None where the kernel has no such setting."""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            return f.read().strip() == "1"
    except OSError:
        return None


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def mem_available_gib():
    """MemAvailable: a tmpfs and another program's files in RAM (/dev/shm) shrink it, and a
    run short of memory gives slow, noisy floors, or an OOM-killed 100k build."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def build_annex(args):
    if args.annex:
        return os.path.abspath(args.annex)
    log("cargo build --release")
    r = subprocess.run(["cargo", "build", "--release", "--bin", "annex"], cwd=REPO)
    if r.returncode != 0:
        sys.exit("bench: cargo build --release failed")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "annex")


def ensure_gnu_time():
    """GNU time, for each command's own peak RSS (see run_once)."""
    if not os.path.exists(GNU_TIME):
        log("GNU time missing: apt-get install -y time")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env)
    if not os.path.exists(GNU_TIME):
        log("GNU time unavailable: peak RSS from wait4(), which can include this script's own")


def ensure_hugo():
    hugo = shutil.which("hugo")
    if hugo:
        return hugo
    log("hugo missing: apt-get install -y hugo")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], env=env)
    return shutil.which("hugo")


def versions(annex_bin, hugo):
    rev = capture(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"])
    dirty = capture(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
    if os.environ.get("ANNEX_REV"):   # the revision a prebuilt --annex binary was built from
        rev, dirty = os.environ["ANNEX_REV"] + " (prebuilt --annex binary)", ""
    return {"annex_rev": rev + ("+dirty" if dirty else ""), "annex_bin": annex_bin,
            "rustc": capture(["rustc", "--version"]), "hugo": capture([hugo, "version"]) if hugo else "not installed",
            "python": sys.version.split()[0], "peers_bench": corpus.peers_bench_dir()}


# ---------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------

GNU_TIME = "/usr/bin/time"


def run_once(cmd, cwd, logfile):
    """Runs CMD; returns wall and CPU time of that process (and the children
    it waited for), from wait4(), and its peak RSS.

    The peak RSS comes from GNU time, which starts CMD from its own small
    process: Linux carries a process's peak RSS over exec(), so a command
    started straight from this script (whose memory grows with the corpus it
    generated) would report this script's RSS when its own is smaller."""
    rss_file = logfile + ".rss"
    wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd if os.path.exists(GNU_TIME) else cmd
    with open(logfile, "wb") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss_kib = ru.ru_maxrss
    if wrapped is not cmd:
        try:
            with open(rss_file) as f:
                rss_kib = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return {"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "cpu": ru.ru_utime + ru.ru_stime,
            "rss_kib": rss_kib, "rc": p.returncode}


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def series(name, cmd, cwd, prepare, runs, warmup, logdir):
    """Warm-up run(s), then RUNS timed runs, PREPARE (untimed) before each."""
    logfile = os.path.join(logdir, re.sub(r"[^\w.-]+", "_", name) + ".log")
    log(f"{name}: {' '.join(cmd)}  (cwd {cwd})")
    samples = []
    for k in range(warmup + runs):
        if prepare:
            prepare()
        r = run_once(cmd, cwd, logfile)
        if r["rc"] != 0:
            log(f"{name}: exit {r['rc']}\n{tail(logfile)}")
            return {"name": name, "cmd": cmd, "error": f"exit {r['rc']}", "log_tail": tail(logfile)}
        if k >= warmup:
            samples.append(r)
    med = lambda key: statistics.median(s[key] for s in samples)
    res = {"name": name, "cmd": cmd, "runs": len(samples), "samples": samples,
           "wall": med("wall"), "wall_min": min(s["wall"] for s in samples),
           "wall_max": max(s["wall"] for s in samples), "cpu": med("cpu"),
           "rss_mib": med("rss_kib") / 1024, "rss_max_mib": max(s["rss_kib"] for s in samples) / 1024}
    log(f"{name}: median {res['wall']:.3f} s, cpu {res['cpu']:.2f} s, rss {res['rss_mib']:.0f} MiB")
    return res


def out_stats(folder, badge_pattern):
    total = files = html = badges = 0
    pat = badge_pattern.encode()
    for dirpath, _, names in os.walk(folder):
        for nm in names:
            p = os.path.join(dirpath, nm)
            if not os.path.isfile(p):
                continue
            files += 1
            total += os.path.getsize(p)
            if nm.endswith(".html"):
                html += 1
                with open(p, "rb") as f:
                    badges += f.read().count(pat)
    return {"bytes": total, "files": files, "html_files": html, "badge_groups": badges}


def tree_bytes(path):
    if not os.path.isdir(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def halves(paths, size):
    """PATHS split in two lists of about equal SIZE, largest first."""
    lists, totals = ([], []), [0, 0]
    for p in sorted(paths, key=lambda p: (-size(p), p)):
        k = 0 if totals[0] <= totals[1] else 1
        lists[k].append(p)
        totals[k] += size(p)
    return lists


def two_core_floor(site, out_dir, dst, base):
    """The command for the floor of what annex itself does, on both cores:
    read every source file, then write annex's output as annex writes it,
    the cards hard-linked (annex links them from its cache, so `cp -r`,
    which copies their 240 MB at N = 10,000, overstates that part) and the
    rest copied. Each half is split over two processes of about equal bytes.
    The lists are made here, untimed."""
    sources = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content")) for f in fs]
    sources.append(os.path.join(site, "site.yaml"))
    entries = []
    for top in sorted(os.listdir(out_dir)):
        p = os.path.join(out_dir, top)
        if top == "cards":
            continue
        entries += [os.path.join(top, c) for c in sorted(os.listdir(p))] if os.path.isdir(p) else [top]
    lists = {}
    for name, (a, b) in (("read", halves(sources, os.path.getsize)),
                         ("write", halves(entries, lambda e: tree_bytes(os.path.join(out_dir, e))))):
        for k, part in enumerate((a, b)):
            lists[f"{name}{k}"] = path = os.path.join(base, f"floor-{name}-{k}.list")
            with open(path, "wb") as f:
                f.write(b"".join(x.encode() + b"\0" for x in part))
    q = lambda s: "'" + s.replace("'", "'\\''") + "'"
    cards = os.path.join(out_dir, "cards")
    script = (f"xargs -0 -a {q(lists['read0'])} cat > /dev/null & r0=$!; "
              f"xargs -0 -a {q(lists['read1'])} cat > /dev/null & r1=$!; "
              "wait $r0 && wait $r1 || exit 1; "
              f"mkdir -p {q(dst)} && cd {q(out_dir)} || exit 1; "
              f"xargs -0 -a {q(lists['write0'])} cp -r --parents -t {q(dst)} & w0=$!; "
              f"xargs -0 -a {q(lists['write1'])} cp -r --parents -t {q(dst)} & w1=$!; "
              + (f"cp -al {q(cards)} {q(os.path.join(dst, 'cards'))} & w2=$!; " if os.path.isdir(cards) else "w2=; ")
              + "wait $w0 && wait $w1 && wait $w2")
    return ["sh", "-c", script]


def cleaner(root, keep):
    """A prepare step that removes everything in ROOT but the names in KEEP:
    the output folder and whatever staging folder the tool left beside it."""
    def prepare():
        for nm in os.listdir(root):
            if nm not in keep:
                p = os.path.join(root, nm)
                shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    return prepare


def rmtree(p):
    shutil.rmtree(p, ignore_errors=True)


# ---------------------------------------------------------------------------
# Live reload client (annex serve)
# ---------------------------------------------------------------------------

def http_get(port, path, timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type", ""), body


def find_reload_endpoint(html):
    """The reload channel the injected script opens: (kind, path)."""
    t = html.decode("utf-8", "replace")
    m = re.search(r"""new\s+EventSource\(\s*["'`]([^"'`]+)""", t)
    if m:
        return "sse", m.group(1)
    m = re.search(r"""new\s+WebSocket\(\s*[^)]*?["'`](/[^"'`]*)""", t)
    if m:
        return "ws", m.group(1)
    m = re.search(r"""["'`](/[^"'`]*(?:livereload|reload|__annex)[^"'`]*)["'`]""", t)
    if m:
        return ("ws" if "ws" in m.group(1).lower() else "sse"), m.group(1)
    return None, None


class SSEClient:
    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
                          f"Cache-Control: no-cache\r\n\r\n".encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(4096)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 200" not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"SSE {path}: {head[:200]!r}")

    def wait_message(self, timeout):
        """Blocks until one event with data arrives; returns its data."""
        self.sock.settimeout(timeout)
        while True:
            for sep in (b"\n\n", b"\r\n\r\n"):
                if sep in self.buf:
                    ev, self.buf = self.buf.split(sep, 1)
                    lines = [ln.strip() for ln in ev.split(b"\n")]
                    # only a reload event counts: not `hello`, not `: keepalive` comments
                    if b"event: reload" in lines or (b"reload" in ev and not any(ln.startswith(b"event:") for ln in lines)
                                                     and any(ln.startswith(b"data:") for ln in lines)):
                        return b"\n".join(lines).decode("utf-8", "replace")
                    break
            else:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise RuntimeError("SSE stream closed")
                self.buf += chunk
                continue
            continue

    def drain(self):
        self.sock.settimeout(0.05)
        try:
            while self.sock.recv(65536):
                pass
        except (socket.timeout, BlockingIOError):
            pass
        self.buf = b""

    def close(self):
        self.sock.close()


class WSClient:
    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(4096)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101" not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"WebSocket {path}: {head[:200]!r}")

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("WebSocket closed")
            self.buf += chunk

    def wait_message(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            self._need(2)
            op, ln = self.buf[0] & 0x0F, self.buf[1] & 0x7F
            hdr = 2
            if ln == 126:
                self._need(4)
                ln, hdr = int.from_bytes(self.buf[2:4], "big"), 4
            elif ln == 127:
                self._need(10)
                ln, hdr = int.from_bytes(self.buf[2:10], "big"), 10
            self._need(hdr + ln)
            payload, self.buf = self.buf[hdr:hdr + ln], self.buf[hdr + ln:]
            if op in (1, 2):
                return payload.decode("utf-8", "replace")
            if op == 8:
                raise RuntimeError("WebSocket closed by server")

    def drain(self):
        self.sock.settimeout(0.05)
        try:
            while self.sock.recv(65536):
                pass
        except (socket.timeout, BlockingIOError):
            pass
        self.buf = b""

    def close(self):
        self.sock.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve_memory(pid):
    """Peak and current resident memory of a process in MiB (Linux), as
    `peak_rss_mib` and `rss_mib`; nothing where /proc has no such figures.
    `serve` holds cached cards as files, not bytes: the builds timed before
    it have filled the card cache, as a user's earlier builds would."""
    found = {}
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    kib = int(value.split()[0])
                    found["peak_rss_mib" if key == "VmHWM" else "rss_mib"] = round(kib / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return found


def serve_incremental(annex_bin, site, n, edits, logdir):
    """Times save -> reload message under `annex serve`, EDITS times."""
    port = free_port()
    logfile = os.path.join(logdir, f"serve-{n}.log")
    cmd = [annex_bin, "serve", "--root", site, "--port", str(port)]
    log("serve: " + " ".join(cmd))
    out = open(logfile, "wb")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    res = {"cmd": cmd, "n": n}
    client = None
    try:
        t0 = time.perf_counter()
        html = None
        while time.perf_counter() - t0 < 900:
            if p.poll() is not None:
                res["error"] = f"annex serve exited with {p.returncode}: {tail(logfile, 8).strip()}"
                return res
            try:
                status, _, body = http_get(port, "/meetings/m-00001/")
                if status == 200:
                    html = body
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if html is None:
            res["error"] = "annex serve did not answer within 900 s"
            return res
        res["startup_s"] = time.perf_counter() - t0
        kind, path = find_reload_endpoint(html)
        if not kind:
            res["error"] = "no reload script (EventSource/WebSocket) found in a served page"
            return res
        res["channel"] = f"{kind} {path}"
        client = (SSEClient if kind == "sse" else WSClient)(port, path)
        time.sleep(1.0)
        client.drain()
        lat, checked = [], 0
        kinds = {"body": [], "front matter": []}
        for k in range(2 * edits):
            # Each meeting is edited twice: its body (the annotation), then
            # its front matter (the title, which is also in the time order,
            # the indexes and its documents' pages).
            kind = "body" if k % 2 == 0 else "front matter"
            i = 1 + ((k // 2) * 997) % n
            f = os.path.join(site, "content", "meetings", f"m-{i:05d}.md")
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            token = f"Bench edit {k} marker text."
            if kind == "body":
                new = text.replace("## Minutes\n", f"## Minutes\n\n{token}\n", 1)
            else:
                new = re.sub(r'^title: "(.*)"$', lambda m: f'title: "{m.group(1)} {token}"', text,
                             count=1, flags=re.M)
            t_save = time.perf_counter()
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(new)
            t_saved = time.perf_counter()
            msg = client.wait_message(timeout=30)
            t_msg = time.perf_counter()
            lat.append(t_msg - t_saved)
            kinds[kind].append(t_msg - t_saved)
            log(f"serve edit {k} ({kind}): m-{i:05d} reload after {1000 * (t_msg - t_saved):.1f} ms "
                f"(write took {1000 * (t_saved - t_save):.2f} ms; message {msg[:60]!r})")
            status, _, body = http_get(port, f"/meetings/m-{i:05d}/")
            if status == 200 and token.encode() in body:
                checked += 1
            time.sleep(0.6)
            client.drain()
        res.update(serve_memory(p.pid))
        res.update({"edits": len(lat), "ms": [round(x * 1000, 2) for x in lat],
                    "median_ms": statistics.median(lat) * 1000, "min_ms": min(lat) * 1000,
                    "max_ms": max(lat) * 1000, "edits_visible_after_reload": checked,
                    "kinds": {kd: {"edits": len(v), "median_ms": statistics.median(v) * 1000,
                                   "min_ms": min(v) * 1000, "max_ms": max(v) * 1000,
                                   "ms": [round(x * 1000, 2) for x in v]}
                              for kd, v in kinds.items() if v}})
        return res
    except Exception as e:  # noqa: BLE001  (any failure is recorded, the run goes on)
        res["error"] = f"{type(e).__name__}: {e}"
        return res
    finally:
        if client:
            client.close()
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        out.close()


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------

def bench_size(n, args, env, annex_bin, hugo, logdir):
    base = os.path.join(env["work"], f"n{n}")
    rmtree(base)
    site = os.path.join(base, "annex")
    log(f"N={n}: generating the corpus (gen_corpus.py hugo layout + bench/corpus.py annex site)")
    t0 = time.perf_counter()
    gen = corpus.write_site(n, site, args.seed)
    if hugo:
        subprocess.run([sys.executable, os.path.join(corpus.peers_bench_dir(), "gen_corpus.py"), str(n), base,
                        "--seed", str(args.seed), "--peers", "hugo"], check=True)
    gen["generate_s"] = time.perf_counter() - t0
    src_keep = set(os.listdir(site))
    runs = args.runs if n < 100_000 else args.runs_100k
    # one run at the largest size on a shared machine: no warm-up either
    warmup = args.warmup if n < 100_000 or args.runs_100k > 1 else 0
    row = {"n": n, "corpus": gen}
    # The first build draws every meeting's social card (resvg) into the
    # project's cache, .annex-cache/; later builds copy them from it, as
    # Hugo and Zola reuse their processed images. Timed once, apart; the
    # cold builds after it keep the cache and remove everything else.
    first = series(f"annex first build, cards drawn, N={n}", [annex_bin, "build", "--root", site], site,
                   cleaner(site, src_keep), 1, 0, logdir)
    row["annex_first"] = first
    src_keep = src_keep | {".annex-cache"}
    a = series(f"annex build N={n}", [annex_bin, "build", "--root", site], site, cleaner(site, src_keep),
               runs, warmup, logdir)
    row["annex"] = a
    out_dir = os.path.join(site, "public")
    if "error" not in a and os.path.isdir(out_dir):
        a["out"] = out_stats(out_dir, "data-grounds=")
        # floors: read every source file; copy annex's own output; both on two cores
        row["floor_read"] = series(f"floor read N={n}", ["sh", "-c", "find site.yaml content -type f -print0 | xargs -0 cat > /dev/null"],
                                   site, None, runs, warmup, logdir)
        row["floor_read"]["out"] = {"bytes": sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(site, "content")) for f in fs),
                                    "files": sum(len(fs) for _, _, fs in os.walk(os.path.join(site, "content")))}
        copy = os.path.join(base, "floor-copy")
        if a["out"]["bytes"] > args.max_copy_gib * 1024 ** 3:
            # a second copy of a multi-GiB output would hold that much more RAM on the tmpfs
            row["floor_copy_skipped"] = f"output is {a['out']['bytes'] / 1024 ** 3:.1f} GiB (> --max-copy-gib {args.max_copy_gib})"
        else:
            row["floor_copy"] = series(f"floor copy N={n}", ["cp", "-r", out_dir, copy], base, lambda: rmtree(copy),
                                       runs, warmup, logdir)
            row["floor_copy"]["out"] = out_stats(copy, "data-grounds=")
            rmtree(copy)
            row["floor_two_cores"] = series(f"floor two cores N={n}", two_core_floor(site, out_dir, copy, base), base,
                                            lambda: rmtree(copy), runs, warmup, logdir)
            rmtree(copy)
    if n <= args.search_max:
        # The same build with the Pagefind search index (annex's default).
        yaml = os.path.join(site, "site.yaml")
        with open(yaml) as f:
            text = f.read()
        with open(yaml, "w") as f:
            f.write(text.replace("search: false", "search: true"))
        s = series(f"annex build with search N={n}", [annex_bin, "build", "--root", site], site,
                   cleaner(site, src_keep), runs, warmup, logdir)
        if "error" not in s and os.path.isdir(os.path.join(site, "public")):
            s["out"] = out_stats(os.path.join(site, "public"), "data-grounds=")
        row["annex_search"] = s
        with open(yaml, "w") as f:
            f.write(text)
    if n >= 100_000 and not (n == args.serve_n and not args.no_serve):
        rmtree(out_dir)   # free the tmpfs before Hugo builds
    if hugo:
        hdir = os.path.join(base, "hugo")
        # --buildFuture: at N = 100,000 the corpus's dates run past today,
        # and Hugo leaves future-dated pages out unless told otherwise.
        h = series(f"hugo N={n}", [hugo, "--quiet", "--buildFuture"], hdir, cleaner(hdir, {"hugo.toml", "content", "layouts"}),
                   runs, warmup, logdir)
        if "error" not in h:
            h["out"] = out_stats(os.path.join(hdir, "public"), 'class="badge"')
        row["hugo"] = h
    if n == args.serve_n and not args.no_serve:
        row["incremental"] = serve_incremental(annex_bin, site, n, args.edits, logdir)
    if not args.keep:
        rmtree(base)
    return row


def bench_import(args, env, annex_bin, logdir):
    base = os.path.join(env["work"], "import")
    rmtree(base)
    os.makedirs(base)
    txt = os.path.join(base, "release.txt")
    gen = corpus.write_release_text(args.import_pages, txt, args.seed)
    out = os.path.join(base, "out")
    res = series(f"annex import {args.import_pages} pages", [annex_bin, "import", txt, "--out", out, "--force"],
                 base, lambda: rmtree(out), args.runs, args.warmup, logdir)
    res["input"] = gen
    if "error" not in res:
        res["out"] = out_stats(out, "\0never\0")
    if not args.keep:
        rmtree(base)
    return res


def fmt_int(x):
    return f"{x:,}"


def summary(R):
    L = []
    env, v, m = R["env"], R["versions"], R["machine"]
    L += [f"# annex benchmark — {R['started']} → {R['finished']}", "",
          f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['mem_gib']} GiB, kernel {m['kernel']}, {m['os']}",
          f"- load average at start {' '.join(R['load_start'])}, at end {' '.join(R['load_end'])}"
          " (1/5/15 min; above ~0.2 means other work shared the CPUs)",
          f"- memory available at start {R['mem_start']} GiB, at end {R['mem_end']} GiB"
          " (the 100,000 size needs about 16 GiB: its output on the tmpfs and Hugo's 7 GiB)",
          f"- kernel autogroup: {dict([(True, 'on (a niced job in another session still takes an equal share)'), (False, 'off'), (None, 'not available')])[R.get('autogroup')]}",
          f"- filesystem: {env['fs']}",
          f"- annex {v['annex_rev']}, {v['rustc']}; {v['hugo']}; python {v['python']}",
          f"- corpus: gen_corpus.py from {v['peers_bench']}, seed {R['args']['seed']}; "
          f"runs per figure: {R['args']['runs']} (N=100,000: {R['args']['runs_100k']}) after {R['args']['warmup']} warm-up", ""]
    L += ["| tool | N | runs | median wall s | min–max s | meetings/s | CPU s | CPU % | peak RSS MiB (median / max) "
          "| output bytes | files | html | badge groups |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in R["sizes"]:
        n = row["n"]
        for tool in ("annex_first", "annex", "annex_search", "hugo"):
            s = row.get(tool)
            if not s:
                continue
            tool = {"annex_search": "annex + Pagefind search",
                    "annex_first": "annex, first build (cards drawn)"}.get(tool, tool)
            if "error" in s:
                L.append(f"| {tool} | {fmt_int(n)} | – | failed: {s['error']} | | | | | | | | | |")
                continue
            o = s.get("out", {})
            L.append(f"| {tool} | {fmt_int(n)} | {s['runs']} | {s['wall']:.3f} | {s['wall_min']:.3f}–{s['wall_max']:.3f} "
                     f"| {n / s['wall']:,.0f} | {s['cpu']:.2f} | {100 * s['cpu'] / s['wall']:.0f} "
                     f"| {s['rss_mib']:.0f} / {s['rss_max_mib']:.0f} | {fmt_int(o.get('bytes', 0))} | {fmt_int(o.get('files', 0))} "
                     f"| {fmt_int(o.get('html_files', 0))} | {fmt_int(o.get('badge_groups', 0))} |")
    L += ["", "| floor | N | runs | median wall s | min–max s | bytes | files |", "|---|---:|---:|---:|---:|---:|---:|"]
    for row in R["sizes"]:
        if "floor_copy_skipped" in row:
            L.append(f"| copy: `cp -r` annex's output | {fmt_int(row['n'])} | – | skipped: {row['floor_copy_skipped']} | | | |")
        for key, label in (("floor_read", "read: `cat` every annex source file"), ("floor_copy", "copy: `cp -r` annex's output"),
                           ("floor_two_cores", "two cores: read the sources, then write annex's output as annex does "
                                               "(cards hard-linked), each over two processes")):
            s = row.get(key)
            if s and "error" not in s:
                out = s.get("out") or row["floor_copy"]["out"]
                L.append(f"| {label} | {fmt_int(row['n'])} | {s['runs']} | {s['wall']:.4f} | {s['wall_min']:.4f}–{s['wall_max']:.4f} "
                         f"| {fmt_int(out['bytes'])} | {fmt_int(out['files'])} |")
    L += ["", "| N | annex s | Hugo s | annex / Hugo | annex CPU s | Hugo CPU s | CPU annex / Hugo | floor s (read + copy) "
          "| annex / floor | two-core floor s | annex / two-core floor | annex µs per meeting |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in R["sizes"]:
        a, h = row.get("annex", {}), row.get("hugo", {})
        if "wall" not in a:
            continue
        hs = f"{h['wall']:.3f}" if "wall" in h else "–"
        hr = f"{a['wall'] / h['wall']:.3f}" if "wall" in h else "–"
        hc = f"{h['cpu']:.2f}" if "wall" in h else "–"
        hcr = f"{a['cpu'] / h['cpu']:.2f}" if "wall" in h else "–"
        both = "wall" in row.get("floor_read", {}) and "wall" in row.get("floor_copy", {})
        fl = row["floor_read"]["wall"] + row["floor_copy"]["wall"] if both else 0
        fr = f"{a['wall'] / fl:.2f}" if fl else "–"
        fs = f"{fl:.3f}" if fl else "–"
        two = row.get("floor_two_cores", {}).get("wall")
        ts, tr = (f"{two:.3f}", f"{a['wall'] / two:.2f}") if two else ("–", "–")
        L.append(f"| {fmt_int(row['n'])} | {a['wall']:.3f} | {hs} | {hr} | {a['cpu']:.2f} | {hc} | {hcr} | {fs} | {fr} "
                 f"| {ts} | {tr} | {1e6 * a['wall'] / row['n']:.0f} |")
    L.append("")
    L.append("Corpus per N: " + "; ".join(
        f"N={fmt_int(r['n'])}: {r['corpus']['documents']:,} documents, {r['corpus']['press']:,} press items, "
        f"{r['corpus']['meeting_paragraphs']:,} meeting paragraphs ({r['corpus']['meeting_paragraphs_redacted']:,} withheld), "
        f"meeting front matter {r['corpus']['meeting_front_matter_bytes_mean']:.0f} B mean"
        for r in R["sizes"]))
    L.append("")
    inc = next((r["incremental"] for r in R["sizes"] if "incremental" in r), None)
    if inc is None:
        L.append("Incremental (annex serve): not measured in this run.")
    elif "error" in inc:
        L.append(f"Incremental (annex serve, N={fmt_int(inc['n'])}): NOT MEASURED — {inc['error']}")
    else:
        L.append(f"Incremental (annex serve, N={fmt_int(inc['n'])}, channel {inc['channel']}): save → reload message "
                 f"median {inc['median_ms']:.1f} ms (min {inc['min_ms']:.1f}, max {inc['max_ms']:.1f}) over {inc['edits']} edits; "
                 f"{inc['edits_visible_after_reload']}/{inc['edits']} edits visible in the page after the reload; "
                 f"serve start-up (first page served) {inc['startup_s']:.2f} s; serve's memory after the edits "
                 f"{inc.get('rss_mib', '?')} MiB resident, peak {inc.get('peak_rss_mib', '?')} MiB. Each: {inc['ms']}")
        for kd, v in inc.get("kinds", {}).items():
            L.append(f"  - edits of the {kd}: median {v['median_ms']:.1f} ms (min {v['min_ms']:.1f}, "
                     f"max {v['max_ms']:.1f}) over {v['edits']}: {v['ms']}")
    L.append("")
    imp = R.get("import")
    if imp is None:
        L.append("Import: not measured in this run.")
    elif "error" in imp:
        L.append(f"Import ({R['args']['import_pages']:,} pages): NOT MEASURED — {imp['error']}: {imp.get('log_tail', '').strip()[-300:]}")
    else:
        i = imp["input"]
        L.append(f"Import of a {i['pages']:,}-page release text ({i['bytes']:,} bytes, {i['documents']:,} documents, "
                 f"{i['markers']:,} markers): median {imp['wall']:.3f} s (min {imp['wall_min']:.3f}, max {imp['wall_max']:.3f}), "
                 f"CPU {imp['cpu']:.2f} s, peak RSS {imp['rss_mib']:.0f} MiB, wrote {imp['out']['files']:,} files "
                 f"({imp['out']['bytes']:,} bytes)")
    L += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in targets(R):
        L.append(f"| {t[0]} | {t[1]} | {t[2]} |")
    return "\n".join(L) + "\n"


def targets(R):
    by_n = {r["n"]: r for r in R["sizes"]}
    out = []
    yes = lambda ok: "yes" if ok else "**no**"
    r10 = by_n.get(10_000)
    if r10 and "wall" in r10.get("annex", {}):
        a = r10["annex"]
        out.append(("N=10,000 cold build ≤ 0.8 s", f"{a['wall']:.3f} s", yes(a["wall"] <= TARGETS["build_10k_s"])))
        if "wall" in r10.get("hugo", {}):
            ratio = a["wall"] / r10["hugo"]["wall"]
            out.append(("≤ 0.25 × Hugo (same run)", f"{ratio:.3f} × ({r10['hugo']['wall']:.3f} s)", yes(ratio <= TARGETS["hugo_ratio"])))
        fl = r10.get("floor_read", {}).get("wall", 0) + r10.get("floor_copy", {}).get("wall", 0)
        if fl:
            out.append(("≤ 1.5 × floor (read + copy)", f"{a['wall'] / fl:.2f} × ({fl:.3f} s)", yes(a["wall"] / fl <= TARGETS["floor_ratio"])))
        two = r10.get("floor_two_cores", {}).get("wall")
        if two:
            # Not a target of the issue: whether 0.8 s is below the floor itself.
            out.append(("(for the 0.8 s target) the two-core floor of annex's own reads and writes", f"{two:.3f} s",
                        "0.8 s is " + ("below" if two > TARGETS["build_10k_s"] else "above") + " it"))
        out.append(("peak RSS at N=10,000 ≤ 200 MiB", f"{a['rss_max_mib']:.0f} MiB (max)", yes(a["rss_max_mib"] <= TARGETS["rss_10k_mib"])))
    else:
        out.append(("N=10,000 targets", "not measured", "–"))
    r100 = by_n.get(100_000)
    if r100 and "wall" in r100.get("annex", {}) and r10 and "wall" in r10.get("annex", {}):
        a, b = r100["annex"], r10["annex"]
        growth = a["wall"] / b["wall"]
        out.append(("N=100,000 time grows linearly (×10 N → ≤ ×11 time)", f"×{growth:.2f} ({a['wall']:.2f} s)", yes(growth <= 11)))
        out.append(("N=100,000 peak RSS ≤ 1.5 GiB", f"{a['rss_max_mib']:.0f} MiB (max)", yes(a["rss_max_mib"] <= TARGETS["rss_100k_mib"])))
    else:
        out.append(("N=100,000 targets", "not measured", "–"))
    inc = r10.get("incremental") if r10 else None
    if inc and "median_ms" in inc:
        worst = max([v["median_ms"] for v in inc.get("kinds", {}).values()] or [inc["median_ms"]])
        by_kind = ", ".join(f"{kd} {v['median_ms']:.1f} ms" for kd, v in inc.get("kinds", {}).items())
        out.append(("incremental edit → reload ≤ 50 ms", f"{inc['median_ms']:.1f} ms median ({by_kind})",
                    yes(worst <= TARGETS["incremental_ms"])))
    else:
        out.append(("incremental edit → reload ≤ 50 ms", "not measured" + (f": {inc['error']}" if inc else ""), "–"))
    imp = R.get("import")
    if imp and "wall" in imp:
        out.append(("import of 5,000 pages ≤ 0.5 s", f"{imp['wall']:.3f} s", yes(imp["wall"] <= TARGETS["import_s"])))
    else:
        out.append(("import of 5,000 pages ≤ 0.5 s", "not measured" + (f": {imp['error']}" if imp else ""), "–"))
    return out


def main():
    ap = argparse.ArgumentParser(description="annex benchmark (issue 6): builds, floors, Hugo, serve, import")
    ap.add_argument("--quick", action="store_true", help="smoke test: N=1,000 only, 1 run, no warm-up")
    ap.add_argument("--sizes", default="1000,10000,100000", help="meeting counts (comma-separated)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure (median reported)")
    ap.add_argument("--runs-100k", type=int, default=5, help="timed runs per figure at N >= 100,000")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    ap.add_argument("--work", help="work folder (default: a tmpfs at /mnt/annex-bench, else /dev/shm)")
    ap.add_argument("--results", default=None, help="results folder (default: bench/results/full or bench/results/quick)")
    ap.add_argument("--annex", help="use this annex binary instead of cargo build --release")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--no-import", action="store_true")
    ap.add_argument("--search-max", type=int, default=1000,
                    help="also time builds with the Pagefind search index up to this N")
    ap.add_argument("--serve-n", type=int, default=10_000, help="N for the incremental measurement")
    ap.add_argument("--edits", type=int, default=10, help="edits timed under annex serve")
    ap.add_argument("--import-pages", type=int, default=5000)
    ap.add_argument("--keep", action="store_true", help="keep the generated sites and outputs")
    ap.add_argument("--max-copy-gib", type=float, default=2.0,
                    help="skip the copy floor when annex's output is larger than this (RAM on the tmpfs)")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.runs, args.runs_100k, args.warmup = "1000", 1, 1, 0
        args.serve_n, args.edits = 1000, 3
    sizes = [int(s) for s in args.sizes.split(",") if s]

    work, fs, mounted = setup_work(args)
    # Absolute: the timed commands run in the corpus folders, and GNU time
    # writes its figures beside each command's log.
    res_dir = os.path.abspath(args.results or os.path.join(HERE, "results", "quick" if args.quick else "full"))
    os.makedirs(res_dir, exist_ok=True)
    logdir = os.path.join(res_dir, "logs")
    os.makedirs(logdir, exist_ok=True)
    env = {"work": work, "fs": fs}
    R = {"started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "args": vars(args),
         "env": env, "machine": machine(), "load_start": loadavg(), "mem_start": mem_available_gib(),
         "autogroup": autogroup(), "sizes": []}
    need = 16 if max(sizes, default=0) >= 100_000 else 4
    if R["mem_start"] < need:
        log(f"WARNING: only {R['mem_start']} GiB of memory available (this run needs about {need}): "
            "expect slow, noisy figures or a killed build; free /dev/shm and other tmpfs first")
    if R["autogroup"] and float(R["load_start"][0]) > 0.5:
        log("WARNING: other work is running and the kernel's autogroup is on, so `nice` does not "
            "keep it out of the bench's way (each session gets an equal share of the CPUs); "
            "stop it, or as root: echo 0 > /proc/sys/kernel/sched_autogroup_enabled")
    try:
        annex_bin = build_annex(args)
        ensure_gnu_time()
        hugo = None if args.no_hugo else ensure_hugo()
        R["versions"] = versions(annex_bin, hugo)
        log(f"work on {fs}; annex {R['versions']['annex_rev']}")
        for n in sizes:
            R["sizes"].append(bench_size(n, args, env, annex_bin, hugo, logdir))
        if not args.no_import:
            R["import"] = bench_import(args, env, annex_bin, logdir)
    finally:
        R["finished"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        R["load_end"] = loadavg()
        R["mem_end"] = mem_available_gib()
        with open(os.path.join(res_dir, "results.json"), "w") as f:
            json.dump(R, f, indent=1)
        if "versions" in R:
            text = summary(R)
            with open(os.path.join(res_dir, "summary.md"), "w") as f:
                f.write(text)
            print(text)
        log(f"results in {res_dir}")
        if mounted and not args.keep:
            subprocess.run(["umount", mounted])
            log(f"unmounted {mounted}")


if __name__ == "__main__":
    main()
