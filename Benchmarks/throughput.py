#!/usr/bin/env python3
"""failscan throughput harness: failscan and the anchors on the same generated corpus,
in the same run.

  python3 Benchmarks/throughput.py [--size 1G] [--runs 5] [--slice-mb 20]

Generates (once) a deterministic corpus under Benchmarks/work/ (git-ignored), builds
failscan in release mode, then times every scenario `runs` times and prints a Markdown
table: mean +- sd seconds, MB/s of uncompressed log, lines/s, peak RSS, the match or ban
count as a cross-check, and ratios against the anchors. The table and the raw CSV are
also written to Benchmarks/runs/<date>-<host>/.
"""
import argparse, csv, datetime, os, platform, re, shutil, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Built with the Swift runtime linked in (`--static-swift-stdlib`): start-up drops from
# about 18 to 12 ms, which matters beside a 0.1 s scan.
BUILD_DIR = os.path.join(ROOT, ".build-bench")
FAILSCAN = os.path.join(BUILD_DIR, "release", "failscan")
SEED_DOVECOT = os.path.join(ROOT, "Corpus", "filters", "dovecot.conf")
QPOPPERMAIL = os.path.join(ROOT, "Corpus", "filters", "qpoppermail.conf")
FILTERS = [("seed dovecot", SEED_DOVECOT), ("stock dovecot", "dovecot"), ("qpoppermail", QPOPPERMAIL)]


STATS_RE = re.compile(r"(\d+) candidate line\(s\), (\d+) failure\(s\)")
SCAN_TIME_RE = re.compile(r"MB in ([\d.]+) s")


def run_timed(cmd, stdout=subprocess.DEVNULL, shell=False, env=None):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS KiB, stdout text, stderr text)."""
    wrapped = ["/usr/bin/time", "-f", "%e %M"] + (["/bin/sh", "-c", cmd] if shell else cmd)
    start = time.perf_counter()
    p = subprocess.run(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    last = p.stderr.decode(errors="replace").strip().splitlines()[-1]
    rss = int(last.split()[1]) if re.match(r"^[\d.]+ \d+$", last) else 0
    if p.returncode not in (0, 1):
        sys.exit("command failed (%d): %s\n%s" % (p.returncode, cmd, p.stderr.decode(errors="replace")[-2000:]))
    return elapsed, rss, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def measure(name, cmd, mb, lines, runs, count_of=lambda out: "", shell=False, env=None):
    times, rss, count, prefilter, scan_times = [], 0, "", "", []
    for _ in range(runs):
        t, r, out, err = run_timed(cmd, shell=shell, env=env)
        times.append(t)
        rss = max(rss, r)
        count = count_of(out)
        scan_time = SCAN_TIME_RE.search(err)
        if scan_time:
            scan_times.append(float(scan_time.group(1)))
        stats = STATS_RE.search(err)
        if stats:
            candidates, failures = int(stats.group(1)), int(stats.group(2))
            prefilter = "%d passed, %d rejected by PCRE2" % (candidates, candidates - failures)
    mean = statistics.mean(times)
    sd = statistics.stdev(times) if len(times) > 1 else 0.0
    row = {"scenario": name, "mean_s": mean, "sd_s": sd, "mb": mb, "mb_s": mb / mean, "lines_s": lines / mean,
           "rss_mb": rss / 1024, "count": count, "prefilter": prefilter,
           "scan_mb_s": (mb / statistics.mean(scan_times)) if scan_times else None}
    print("  %-58s %7.3f s +- %.3f  %8.1f MB/s  %6.0f MB RSS  %s" % (name, mean, sd, row["mb_s"], row["rss_mb"], count), file=sys.stderr)
    return row


def corpus_dir(size, fail_ratio=0.03):
    """The generated corpus of `size` (made once), keyed on the generator's content, so a
    changed generator makes a new one."""
    import hashlib
    with open(os.path.join(ROOT, "Corpus", "generate.py"), "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()[:10]
    suffix = "" if fail_ratio == 0.03 else "-f%g" % fail_ratio
    corpus = os.path.join(ROOT, "Benchmarks", "work", "corpus-%s-%s%s" % (size, generator, suffix))
    if not os.path.exists(os.path.join(corpus, "auth.log")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "corpus", "--size", size,
                        "--files", "4", "--fail-ratio", str(fail_ratio), corpus], check=True)
    return corpus


def fail2ban_seed_dovecot(work):
    """The seed dovecot filter as fail2ban 1.0 takes it: fail2ban refuses the 0.8-era
    (?P<HOST>...) group that failscan accepts, so its runs get <HOST> written the current
    way (in `work`, beside a link to common.conf)."""
    path = os.path.join(work, "dovecot-host.conf")
    with open(SEED_DOVECOT) as f, open(path, "w") as g:
        g.write(f.read().replace(r"rip=(?P<HOST>\S*),", "rip=<HOST>,"))
    if not os.path.exists(os.path.join(work, "common.conf")):
        os.symlink("/etc/fail2ban/filter.d/common.conf", os.path.join(work, "common.conf"))
    return path


def four_jails(path, auth, mail):
    """Writes `path` (a jail.local): the four jails the benchmarks run, stock sshd and the seed
    qpopperauth on `auth`, stock dovecot and the seed dovecot on `mail` (logpath values: a
    path, a glob, or several lines)."""
    with open(path, "w") as f:
        f.write("""[DEFAULT]
enabled = true
maxretry = 5
findtime = 10m
bantime = 1h

[sshd]
filter = /etc/fail2ban/filter.d/sshd.conf
logpath = %(auth)s

[qpopperauth]
filter = %(root)s/Corpus/filters/qpopperauth.conf
logpath = %(auth)s

[dovecot]
filter = /etc/fail2ban/filter.d/dovecot.conf
logpath = %(mail)s

[seed-dovecot]
filter = %(root)s/Corpus/filters/dovecot.conf
logpath = %(mail)s
""" % {"auth": auth, "mail": mail, "root": ROOT})


def corpus_jails(corpus):
    """The configuration directory of the four jails over the benchmark corpus `corpus`
    (Benchmarks/work/jails-conf, written afresh): jails.py and tune.py run it."""
    conf = os.path.join(ROOT, "Benchmarks", "work", "jails-conf")
    os.makedirs(conf, exist_ok=True)
    four_jails(os.path.join(conf, "jail.local"), os.path.join(corpus, "auth.log"), os.path.join(corpus, "mail.log"))
    return conf


def build():
    """The release binary with the Swift runtime linked in."""
    # Touch the sources first: SwiftPM 6.3 can leave a dependent module stale after a
    # stored property is added to a public struct of another module.
    subprocess.run("find Sources -name '*.swift' -exec touch {} +", shell=True, cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", BUILD_DIR],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slice-mb", type=int, default=20, help="size of the slice fail2ban-regex reads")
    ap.add_argument("--fail-ratio", type=float, default=0.03,
                    help="failure lines in the corpus (0.13: failure-dense, 8-10%% dovecot failures)")
    args = ap.parse_args()

    work = os.path.join(ROOT, "Benchmarks", "work")
    corpus = corpus_dir(args.size, args.fail_ratio)
    build()
    env = dict(os.environ, TZ="UTC")

    plain1 = [os.path.join(corpus, "mail.log")]
    plain2 = plain1 + [os.path.join(corpus, "mail.log.1")]
    gz1 = [os.path.join(corpus, "mail.log.2.gz")]
    gz2 = gz1 + [os.path.join(corpus, "mail.log.3.gz")]

    def size_mb(paths, gz=False):
        if gz:
            return sum(int(subprocess.run("gzip -dc '%s' | wc -c" % p, shell=True, capture_output=True).stdout) for p in paths) / 1e6
        return sum(os.path.getsize(p) for p in paths) / 1e6

    def line_count(paths, gz=False):
        cmd = " ".join(("gzip -dc '%s'" if gz else "cat '%s'") % p for p in paths)
        return int(subprocess.run("{ %s; } | wc -l" % cmd.replace(" gzip", "; gzip").replace(" cat", "; cat"), shell=True, capture_output=True).stdout)

    sets = {"plain x1": (plain1, False), "plain x2": (plain2, False), "gzip x1": (gz1, True), "gzip x2": (gz2, True)}
    info = {k: (size_mb(p, gz), line_count(p, gz)) for k, (p, gz) in sets.items()}
    rows = []
    banned = lambda out: "%d banned" % len([l for l in out.splitlines() if l.strip()])
    print("failscan:", file=sys.stderr)
    for fname, fpath in FILTERS:
        for key, (paths, gz) in sets.items():
            mb, lines = info[key]
            for threads in (1, 2):
                for pre in (True, False):
                    if not pre and (fname == "qpoppermail" or threads == 2 or key != "plain x1" and key != "gzip x1"):
                        continue
                    cmd = [FAILSCAN, "scan", "--stats", "--threads", str(threads), "--filter", fpath] + ([] if pre else ["--no-prefilter"]) + paths
                    rows.append(measure("failscan %s, %s, %dT, prefilter %s" % (fname, key, threads, "on" if pre else "off"),
                                        cmd, mb, lines, args.runs, banned, env=env))

    # The inflater choice, with figures: ISA-L (default) against zlib, same file, one thread.
    for engine in ("zlib",):
        mb, lines = info["gzip x1"]
        rows.append(measure("failscan seed dovecot, gzip x1, 1T, --inflate %s" % engine,
                            [FAILSCAN, "scan", "--stats", "--threads", "1", "--inflate", engine, "--filter", SEED_DOVECOT] + gz1,
                            mb, lines, args.runs, banned, env=env))
    auth = [os.path.join(corpus, "auth.log")]
    amb, alines = size_mb(auth), line_count(auth)
    qpopperauth = os.path.join(ROOT, "Corpus", "filters", "qpopperauth.conf")
    for threads in (1, 2):
        for pre in (True, False):
            if threads == 2 and not pre:
                continue
            cmd = [FAILSCAN, "scan", "--stats", "--threads", str(threads), "--filter", qpopperauth] + ([] if pre else ["--no-prefilter"]) + auth
            rows.append(measure("failscan qpopperauth, auth.log, %dT, prefilter %s" % (threads, "on" if pre else "off"),
                                cmd, amb, alines, args.runs, banned, env=env))

    print("anchors:", file=sys.stderr)
    mb1, lines1 = info["plain x1"]
    patterns = {}
    for fname, fpath in FILTERS:
        out = subprocess.run([FAILSCAN, "regex", "--show-patterns", "-", fpath], capture_output=True, text=True).stdout
        patterns[fname] = ([l[9:] for l in out.splitlines() if l.startswith("pattern: ")],
                           [l[9:] for l in out.splitlines() if l.startswith("literal: ")])
    counted = lambda out: "%s lines" % out.strip().splitlines()[-1] if out.strip() else ""
    for fname in ("seed dovecot", "qpoppermail"):
        regex = patterns[fname][0][-1]
        rows.append(measure("pcre2grep -c (JIT) %s, plain x1" % fname, ["pcre2grep", "-c", regex] + plain1, mb1, lines1, args.runs, counted))
        rows.append(measure("rg -c -P %s, plain x1" % fname, ["rg", "-c", "-P", regex] + plain1, mb1, lines1, args.runs, counted))
        lits = sum((["-e", l] for l in patterns[fname][1]), [])
        rows.append(measure("rg -c -F literals %s, plain x1" % fname, ["rg", "-c", "-F"] + lits + plain1, mb1, lines1, args.runs, counted))
    rows.append(measure("rg -c -P seed dovecot, plain x2 (2 threads)", ["rg", "-j2", "-c", "-P", patterns["seed dovecot"][0][-1]] + plain2,
                        info["plain x2"][0], info["plain x2"][1], args.runs, counted))
    gmb, glines = info["gzip x1"]
    for tool in [t for t in ("gzip", "pigz", "igzip", "libdeflate-gunzip") if shutil.which(t)]:
        flags = "-c" if tool == "libdeflate-gunzip" else "-dc"
        rows.append(measure("%s %s > /dev/null, gzip x1" % (tool, flags), "%s %s '%s' > /dev/null" % (tool, flags, gz1[0]), gmb, glines, args.runs, shell=True))
    g2mb, g2lines = info["gzip x2"]
    rows.append(measure("igzip -dc both in sequence, gzip x2", "igzip -dc %s > /dev/null" % " ".join("'%s'" % p for p in gz2),
                        g2mb, g2lines, args.runs, shell=True))
    # fail2ban-regex on a slice (it runs at ~10 MB/s).
    slice_path = os.path.join(corpus, "slice-%dM.log" % args.slice_mb)
    if not os.path.exists(slice_path):
        subprocess.run("head -c %d '%s' | head -n -1 > '%s'" % (args.slice_mb << 20, plain1[0], slice_path), shell=True, check=True)
    smb, slines = os.path.getsize(slice_path) / 1e6, line_count([slice_path])
    f2b_count = lambda out: "%s matched" % (re.search(r"Lines: \d+ lines, \d+ ignored, (\d+) matched", out) or [None, "?"])[1]
    for fname, fpath in FILTERS[:2]:
        f2b_filter = fpath
        if fname == "seed dovecot":
            f2b_filter = fail2ban_seed_dovecot(work)
        rows.append(measure("fail2ban-regex %s, %d MB slice" % (fname, args.slice_mb), ["fail2ban-regex", slice_path, f2b_filter],
                            smb, slines, 1, f2b_count, env=env))
        # One row per matched line; the report object that ends the output is not one.
        matched = lambda out: "%d matched" % sum(1 for line in out.splitlines() if not line.startswith('{"report":'))
        rows.append(measure("failscan regex --json %s, same slice, 1T" % fname, [FAILSCAN, "regex", "--json", slice_path, fpath],
                            smb, slines, args.runs, matched, env=env))

    by = {r["scenario"]: r for r in rows}
    def ratio(a, b, key="mb_s"):
        return by[a][key] / by[b][key] if a in by and b in by else float("nan")
    ratios = [
        ("failscan seed dovecot plain x1 1T / pcre2grep -c", ratio("failscan seed dovecot, plain x1, 1T, prefilter on", "pcre2grep -c (JIT) seed dovecot, plain x1")),
        ("failscan seed dovecot plain x2 2T / pcre2grep -c (1 file)", ratio("failscan seed dovecot, plain x2, 2T, prefilter on", "pcre2grep -c (JIT) seed dovecot, plain x1")),
        ("failscan seed dovecot plain x1 1T / fail2ban-regex (lines/s)", ratio("failscan seed dovecot, plain x1, 1T, prefilter on", "fail2ban-regex seed dovecot, %d MB slice" % args.slice_mb, "lines_s")),
        ("failscan stock dovecot plain x1 1T / fail2ban-regex (lines/s)", ratio("failscan stock dovecot, plain x1, 1T, prefilter on", "fail2ban-regex stock dovecot, %d MB slice" % args.slice_mb, "lines_s")),
        ("failscan seed dovecot gzip x1 1T / igzip -dc", ratio("failscan seed dovecot, gzip x1, 1T, prefilter on", "igzip -dc > /dev/null, gzip x1")),
        ("failscan seed dovecot gzip x2 2T / igzip -dc both in sequence", ratio("failscan seed dovecot, gzip x2, 2T, prefilter on", "igzip -dc both in sequence, gzip x2")),
        ("stock dovecot / seed dovecot, plain x1 1T", ratio("failscan stock dovecot, plain x1, 1T, prefilter on", "failscan seed dovecot, plain x1, 1T, prefilter on")),
        ("stock dovecot / seed dovecot, plain x2 2T", ratio("failscan stock dovecot, plain x2, 2T, prefilter on", "failscan seed dovecot, plain x2, 2T, prefilter on")),
        ("failscan seed dovecot plain x1 2T / fail2ban-regex (lines/s)", ratio("failscan seed dovecot, plain x1, 2T, prefilter on", "fail2ban-regex seed dovecot, %d MB slice" % args.slice_mb, "lines_s")),
        ("failscan seed dovecot plain x1 2T / pcre2grep -c", ratio("failscan seed dovecot, plain x1, 2T, prefilter on", "pcre2grep -c (JIT) seed dovecot, plain x1")),
        ("failscan seed dovecot gzip x1 2T / igzip -dc", ratio("failscan seed dovecot, gzip x1, 2T, prefilter on", "igzip -dc > /dev/null, gzip x1")),
        ("failscan seed dovecot plain x1 2T, scan only (no process start-up) / fail2ban-regex (lines/s)",
         (by["failscan seed dovecot, plain x1, 2T, prefilter on"]["scan_mb_s"] or float("nan")) / by["fail2ban-regex seed dovecot, %d MB slice" % args.slice_mb]["mb_s"]),
    ]

    host = socket.gethostname()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    lines = ["# failscan throughput, %s" % datetime.date.today().isoformat(), "",
             "Machine: %s, %d cores (%s), %s. Corpus: `Corpus/generate.py corpus --size %s --files 4` "
             "(plain x1 = mail.log, %.0f MB, %d lines; gzip x1 = mail.log.2.gz, %.0f MB uncompressed). %d runs each, mean +- sd."
             % (host, os.cpu_count(), cpu, platform.platform(), args.size, mb1, lines1, gmb, args.runs), "",
             "| scenario | time (s) | MB/s | lines/s | scan-only MB/s | peak RSS (MB) | cross-check | prefilter lines |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        scan = "%.1f" % r["scan_mb_s"] if r["scan_mb_s"] else ""
        lines.append("| %s | %.3f +- %.3f | %.1f | %.0f | %s | %.0f | %s | %s |" % (r["scenario"], r["mean_s"], r["sd_s"], r["mb_s"], r["lines_s"], scan, r["rss_mb"], r["count"], r["prefilter"]))
    lines += ["", "| ratio | value |", "|---|---|"] + ["| %s | %.2fx |" % (n, v) for n, v in ratios]
    summary = "\n".join(lines) + "\n"
    print(summary)
    outdir = os.path.join(ROOT, "Benchmarks", "runs", "%s-%s" % (datetime.date.today().isoformat(), host))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write(summary)
    with open(os.path.join(outdir, "raw.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
