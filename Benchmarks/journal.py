#!/usr/bin/env python3
"""Issue 24's benchmark: the systemd journal as a log source.

  python3 Benchmarks/journal.py [--files 4] [--entries 150000] [--runs 5] [--no-build]

A journal of --files x --entries entries (Corpus/generate.py journal-export, one seed and
one time span per file, one boot; built by systemd-journal-remote, which also rotates a
full file into an archived one), generated once under Benchmarks/work/journal-*/. Timed
on the same files in the same run, wall clock, median of --runs (fail2ban-regex once per
filter: it takes seconds):

- `journalctl --file GLOB -o short > /dev/null` (every entry), and with sshd's journalmatch;
- `fail2ban-regex 'systemd-journal[journalfiles="GLOB"]' FILTER`;
- `failscan scan --filter FILTER --journal DIR` at 1 and 2 threads, `failscan regex` with
  the same spec as fail2ban-regex.

Filters: the stock sshd (journalmatch `_SYSTEMD_UNIT=sshd.service + _COMM=sshd`: a third
of the entries) and the seed qpoppermail (no journalmatch: every entry). Checked: failscan
regex's `Lines:` equals fail2ban-regex's; the scan's bans are the same at 1 and 2 threads.
Reported: entries/s of the journal's entries (what each tool steps over), ratios, peak RSS.
"""
import argparse, glob, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402

REMOTE = "/usr/lib/systemd/systemd-journal-remote"
LINES_RE = re.compile(r"Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed")


def journal(files, entries):
    work = os.path.join(ROOT, "Benchmarks", "work", "journal-%dx%d" % (files, entries))
    if glob.glob(os.path.join(work, "*.journal")):
        return work
    tmp = work + ".tmp"
    subprocess.run(["rm", "-rf", tmp], check=True)
    os.makedirs(tmp)
    for k in range(files):
        export = os.path.join(tmp, "x%d.export" % k)
        # Each file 1.5 s x entries later than the one before: archived files of one boot.
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "journal-export", "--entries", str(entries),
                        "--seed", str(50 + k), "--start", str(1793000000 + k * int(entries * 1.5)), export],
                       check=True, stderr=subprocess.DEVNULL)
        with open(export, "rb") as f:
            subprocess.run([REMOTE, "-o", os.path.join(tmp, "system@%d.journal" % k), "-"], stdin=f, check=True,
                           stderr=subprocess.DEVNULL)
        os.remove(export)
    os.rename(tmp, work)
    return work


def median_run(cmd, runs, shell=False):
    times, rss, out, err = [], 0, "", ""
    for _ in range(runs):
        t, r, out, err = throughput.run_timed(cmd, shell=shell)
        times.append(t)
        rss = max(rss, r)
    return statistics.median(times), rss / 1024, out, err


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=int, default=4)
    p.add_argument("--entries", type=int, default=150000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-build", action="store_true", help="use the binary already in .build-bench")
    a = p.parse_args()
    if not a.no_build:
        throughput.build()
    failscan = throughput.FAILSCAN
    work = journal(a.files, a.entries)
    pattern = os.path.join(work, "*.journal")
    files = sorted(glob.glob(pattern))
    total = a.files * a.entries
    spec = 'systemd-journal[journalfiles="%s"]' % pattern
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    print("journal: %d entries in %d files (%.0f MB), %s" % (total, len(files), mb, work), file=sys.stderr)
    rows = []

    def row(what, seconds, rss, baseline=None, note=""):
        rows.append((what, seconds, total / seconds, rss, baseline, note))
        print("  %-62s %7.3f s %9.0f entries/s %6.0f MB  %s" % (what, seconds, total / seconds, rss, note), file=sys.stderr)

    t, r, _, _ = median_run("journalctl --file '%s' -o short > /dev/null" % pattern, a.runs, shell=True)
    journalctl = t
    row("journalctl --file GLOB -o short (every entry)", t, r)
    t, r, _, _ = median_run("journalctl --file '%s' -o short _SYSTEMD_UNIT=sshd.service + _COMM=sshd > /dev/null" % pattern,
                            a.runs, shell=True)
    row("journalctl --file GLOB -o short, sshd's journalmatch", t, r)
    for name, flt in (("sshd", "sshd"), ("qpoppermail (seed)", throughput.QPOPPERMAIL)):
        t, r, out, _ = median_run(["fail2ban-regex", spec, flt], 1)
        theirs = LINES_RE.search(out)
        fail2ban = t
        row("fail2ban-regex systemd-journal[...] %s" % name, t, r, note=theirs.group(0) if theirs else "")
        t, r, out, _ = median_run([failscan, "regex", spec, flt], a.runs)
        ours = LINES_RE.search(out)
        same = "same Lines: as fail2ban-regex" if ours and theirs and ours.group(0) == theirs.group(0) else "DIFFERENT: %s" % (
            ours.group(0) if ours else out[-300:])
        row("failscan regex systemd-journal[...] %s" % name, t, r, note="%s; %.1fx fail2ban-regex" % (same, fail2ban / t))
        outs = {}
        times = {}
        for threads in (1, 2):
            t, r, out, _ = median_run([failscan, "scan", "--filter", flt, "--journal", work, "--threads", str(threads)], a.runs)
            outs[threads], times[threads] = out, t
            row("failscan scan --journal DIR --filter %s, %d thread(s)" % (name, threads), t, r,
                note="%d banned; %.1fx journalctl -o short, %.1fx fail2ban-regex%s" % (
                    len(out.split()), journalctl / t, fail2ban / t,
                    ", %.2fx 1 thread" % (times[1] / t) if threads == 2 else ""))
        if outs[1] != outs[2]:
            sys.exit("failscan's bans differ between 1 and 2 threads")
    print("\n| what | median s | entries/s | peak RSS MB | note |\n|---|---|---|---|---|")
    for what, seconds, rate, rss, _, note in rows:
        print("| %s | %.3f | %.0f | %.0f | %s |" % (what, seconds, rate, rss, note))


if __name__ == "__main__":
    main()
