#!/usr/bin/env python3
"""The filter matrix: what to expect from the filters people run, on quiet logs and on logs
under attack, plain and gzipped, on 1 and 2 threads, with fail2ban-regex and pcre2grep on
the same files in the same run.

  python3 Benchmarks/matrix.py [--size 64M] [--runs 3] [--slice-mb 4]

Logs come from `Corpus/generate.py matrix` (sshd quiet and with 10% and 60% attack lines, a
busy postfix smtpd log, nginx and apache error logs, fail2ban.log, an exim mainlog, a
courier mail.log, a dense auth.log of interleaved brute-force connections) and the throughput
corpus (mail.log and auth.log for dovecot and the seed filters), generated once under the
ignored Benchmarks/work/. For every (filter, log): failscan's wall-clock MB/s on 1 and 2
threads (plain) and 2 threads (gzip), best of --runs rounds that run each of these and
`igzip -dc` once (so the machine's drift touches the ratios' both sides alike), lines/s, the cost per failure on one thread, peak RSS,
the failures found; fail2ban-regex on a slice of the same file (its MB/s, and failscan's
failure count on that slice as the cross-check); `pcre2grep -c` with the filter's
translated failregexes over the whole plain file (every line through PCRE2 JIT, no date
cut: a speed anchor, its count is not fail2ban's). Ratios are from this run only.
"""
import argparse, datetime, hashlib, os, platform, re, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402  (corpus and build helpers)

FILTERS = [
    # (label, filter spec, log, kind)
    ("sshd", "sshd", "auth-quiet.log", "quiet"),
    ("sshd", "sshd", "auth-attack10.log", "attack 10%"),
    ("sshd", "sshd", "auth-attack60.log", "attack 60%"),
    ("sshd[mode=aggressive]", "sshd[mode=aggressive]", "auth-attack60.log", "attack 60%"),
    ("sshd", "sshd", "auth-dense.log", "connections, 88% attack"),
    ("postfix", "postfix", "postfix-busy.log", "busy, 8% rejects"),
    ("postfix[mode=aggressive]", "postfix[mode=aggressive]", "postfix-busy.log", "busy, 8% rejects"),
    ("nginx-http-auth", "nginx-http-auth", "nginx-error.log", "attack 20%"),
    ("apache-auth", "apache-auth", "apache-error.log", "attack 20%"),
    ("recidive", "recidive", "fail2ban.log", "30% bans"),
    ("exim", "exim", "exim-mainlog.log", "attack 15%"),
    ("courier-auth", "courier-auth", "courier-mail.log", "attack 15%"),
    ("dovecot", "dovecot", "corpus:mail.log", "quiet, 3% failures"),
    ("seed dovecot", "Corpus/filters/dovecot.conf", "corpus:mail.log", "quiet, 3% failures"),
    ("seed qpoppermail", "Corpus/filters/qpoppermail.conf", "corpus:mail.log", "quiet, 3% failures"),
    ("seed qpopperauth", "Corpus/filters/qpopperauth.conf", "corpus:auth.log", "quiet, 3% failures"),
]

STATS = re.compile(r"\] \d+ file\(s\), (\d+) candidate line\(s\), (\d+) failure\(s\)")


def timed(cmd, env=None, stdout=subprocess.PIPE):
    """(wall seconds, peak RSS MB, stdout, stderr) of one run under /usr/bin/time (for the
    RSS; the wall clock is taken here, /usr/bin/time's has 10 ms steps)."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    err = p.stderr.decode(errors="replace")
    if p.returncode not in (0, 1):
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), err[-2000:]))
    _, rss = err.strip().splitlines()[-1].split()
    return wall, int(rss) / 1024, (p.stdout or b"").decode(errors="replace"), err


def best(cmd, runs, env=None):
    results = [timed(cmd, env) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2], results[-1][3]


def best_rounds(cmds, runs, env):
    """Each command's best wall time and peak RSS over `runs` rounds, a round running every
    command once, in an order rotated from round to round; and the first command's stderr
    (its --stats) from its last run."""
    results = [[] for _ in cmds]
    for r in range(runs):
        k = r % len(cmds)
        order = list(range(len(cmds)))[k:] + list(range(len(cmds)))[:k]
        for i in reversed(order) if r % 2 else order:
            results[i].append(timed(cmds[i], env, stdout=subprocess.DEVNULL if cmds[i][0] == "igzip" else subprocess.PIPE))
    best = [(min(x[0] for x in rs), max(x[1] for x in rs)) for rs in results]
    return best, results[0][-1][3]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="256M")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--slice-mb", type=int, default=4)
    ap.add_argument("--corpus-size", default="1G")
    args = ap.parse_args()
    with open(os.path.join(ROOT, "Corpus", "generate.py"), "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()[:10]
    logs = os.path.join(ROOT, "Benchmarks", "work", "matrix-%s-%s" % (args.size, generator))
    if not os.path.exists(os.path.join(logs, "auth-dense.log.gz")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "matrix", "--size", args.size, logs], check=True)
    corpus = throughput.corpus_dir(args.corpus_size)
    throughput.build()
    env = dict(os.environ, TZ="UTC")
    failscan = throughput.FAILSCAN
    rows = []
    for label, spec, log, kind in FILTERS:
        path = os.path.join(corpus, log[7:]) if log.startswith("corpus:") else os.path.join(logs, log)
        mb = os.path.getsize(path) / 1e6
        with open(path, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
        filt = os.path.join(ROOT, spec) if spec.startswith("Corpus/") else spec
        scan = [failscan, "scan", "--stats", "--filter", filt]
        gz = path + ".gz"
        if not os.path.exists(gz):
            subprocess.run("gzip -c '%s' > '%s'" % (path, gz), shell=True, check=True)
        # 1 thread, 2 threads, gzip and igzip in rounds (each round in another order), so
        # that the machine's drift over the row touches all four alike: their ratios (two
        # threads over one, gzip over igzip) are what the row is read for.
        best_of, err1 = best_rounds(
            [scan + ["--threads", "1", path], scan + ["--threads", "2", path], scan + ["--threads", "2", gz], ["igzip", "-dc", gz]],
            args.runs, env)
        (t1, rss1), (t2, rss2), (tgz, rssgz), (tunzip, _) = best_of
        empty = os.path.join(logs, "empty.log")
        open(empty, "w").close()
        tstart = best(scan + ["--threads", "2", empty], args.runs, env)[0]
        stats = STATS.search(err1)
        candidates, failures = (int(stats.group(1)), int(stats.group(2))) if stats else (0, 0)
        # fail2ban-regex on a slice of whole lines; failscan regex on the same slice.
        slice_path = os.path.join(logs, "slice-" + os.path.basename(path))
        with open(path, "rb") as f:
            data = f.read(args.slice_mb << 20)
        data = data[: data.rfind(b"\n") + 1]
        with open(slice_path, "wb") as f:
            f.write(data)
        f2b_filter = filt
        if label == "seed dovecot":
            f2b_filter = throughput.fail2ban_seed_dovecot(logs)
        tf, _, out, _ = timed(["fail2ban-regex", slice_path, f2b_filter], env)
        m = re.search(r"Lines: \d+ lines, \d+ ignored, (\d+) matched", out)
        f2b_matched = int(m.group(1)) if m else -1
        _, _, ours, _ = timed([failscan, "regex", "--threads", "1", slice_path, filt], env)
        m = re.search(r"Lines: \d+ lines, \d+ ignored, (\d+) matched", ours)
        ours_matched = int(m.group(1)) if m else -1
        f2b_mbs = len(data) / 1e6 / tf
        # pcre2grep with the filter's translated failregexes over every line.
        shown = subprocess.run([failscan, "regex", "--show-patterns", "-", filt], capture_output=True, text=True, env=env).stdout
        patterns = [l[len("pattern: "):] for l in shown.splitlines() if l.startswith("pattern: ")]
        grep_args = sum((["-e", p] for p in patterns), [])
        tg, _, gout, _ = best(["pcre2grep", "-c"] + grep_args + [path], 1, env)
        rows.append(dict(label=label, log=log.replace("corpus:", "corpus "), kind=kind, mb=mb, lines=lines, t1=t1, t2=t2, tgz=tgz,
                         rss=max(rss1, rss2, rssgz), tunzip=tunzip, tstart=tstart, candidates=candidates, failures=failures, f2b_mbs=f2b_mbs,
                         f2b_matched=f2b_matched, ours_matched=ours_matched, grep_mbs=mb / tg, grep_count=gout.strip()))
        r = rows[-1]
        print("  %-26s %-20s 1T %7.1f MB/s  2T %7.1f MB/s  gz2T %7.1f MB/s  f2b %5.1f MB/s  x%.0f" % (
            label, r["log"], mb / t1, mb / t2, mb / tgz, f2b_mbs, (mb / t2) / f2b_mbs), file=sys.stderr)
    # The table.
    date = datetime.date.today().isoformat()
    host = socket.gethostname().split(".")[0] or "host"
    out = ["# failscan filter matrix, %s" % date, "",
           "Machine: %s, %d cores, %s. Logs: `Corpus/generate.py matrix --size %s` and the throughput corpus (%s). "
           "Best of %d runs, the 1-thread, 2-thread, gzip and `igzip -dc` runs of a row taken in turn; wall clock of the whole process, start-up included (start-up: the same command on an empty file). "
           "`igzip -dc`: decompressing the same .gz to /dev/null. fail2ban-regex reads the first %d MB of each log."
           % (host, os.cpu_count(), platform.platform(), args.size, args.corpus_size, args.runs, args.slice_mb), "",
           "| filter | log | MB | 1T MB/s | 2T MB/s | gzip 2T MB/s | igzip -dc MB/s | start-up ms | lines/s 2T | per failure 1T | peak RSS MB | failures | lines to PCRE2 | fail2ban-regex MB/s | 2T / fail2ban-regex | pcre2grep -c MB/s | 2T / pcre2grep | cross-check (slice: failscan / fail2ban-regex) |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        per_failure = ("%.2f us" % (r["t1"] / r["failures"] * 1e6)) if r["failures"] else "-"
        check = "%d / %d%s" % (r["ours_matched"], r["f2b_matched"], "" if r["ours_matched"] == r["f2b_matched"] else " DIFFER")
        out.append("| %s | %s (%s) | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f | %s | %.0f | %d | %d | %.1f | %.0fx | %.0f | %.1fx | %s |" % (
            r["label"], r["log"], r["kind"], r["mb"], r["mb"] / r["t1"], r["mb"] / r["t2"], r["mb"] / r["tgz"], r["mb"] / r["tunzip"], r["tstart"] * 1000, r["lines"] / r["t2"],
            per_failure, r["rss"], r["failures"], r["candidates"], r["f2b_mbs"], (r["mb"] / r["t2"]) / r["f2b_mbs"], r["grep_mbs"],
            (r["mb"] / r["t2"]) / r["grep_mbs"], check))
    out += ["", "Command: `python3 Benchmarks/matrix.py --size %s --runs %d --slice-mb %d`" % (args.size, args.runs, args.slice_mb)]
    text = "\n".join(out) + "\n"
    run_dir = os.path.join(ROOT, "Benchmarks", "runs", "%s-%s" % (date, host))
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "matrix.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
