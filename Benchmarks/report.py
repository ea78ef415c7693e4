#!/usr/bin/env python3
"""The reports of issue 12: `failscan regex` (fail2ban-regex's report) against fail2ban-regex
on the same whole files, and `failscan jails --format html` on the benchmark corpus with
thousands of banned addresses.

  python3 Benchmarks/report.py [--size 64M] [--runs 3] [--corpus-size 1G]

For each (filter, log) of the matrix logs (Corpus/generate.py matrix): failscan regex on 1 and
2 threads and fail2ban-regex once (it is slow), wall clock of the whole process, MB/s, the
ratio, and the cross-check that both print the same `Lines:` line. Then the HTML report of
four jails over the throughput corpus plus 8,000 generated attackers (5 failures each, sshd
form, seeded): its size, the addresses and bans it holds, its time beside `--format json`.
"""
import argparse, hashlib, os, random, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402  (corpus and build helpers)
from matrix import timed  # noqa: E402

CASES = [("sshd", "auth-attack60.log"), ("sshd", "auth-quiet.log"), ("postfix", "postfix-busy.log"),
         ("nginx-http-auth", "nginx-error.log"), ("apache-auth", "apache-error.log"), ("recidive", "fail2ban.log")]
LINES = re.compile(r"^Lines: .*$", re.M)


def attackers(path):
    rng = random.Random(7)
    with open(path, "w") as f:
        for n in range(8000):
            ip = "10.%d.%d.%d" % (n // 250 % 250, n % 250, rng.randint(1, 254)) if n % 5 else "2001:db8:%x::%x" % (n, rng.randint(1, 65535))
            for k in range(5):
                s = n * 37 + k * 11
                f.write("Jan %2d %02d:%02d:%02d host sshd[%d]: Failed password for invalid user %s from %s port 22 ssh2\n" % (
                    5 + s // 86400 % 20, s // 3600 % 24, s // 60 % 60, s % 60, 4000 + n, rng.choice(["root", "admin", "oracle", "test"]), ip))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="64M")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus-size", default="1G")
    args = ap.parse_args()
    with open(os.path.join(ROOT, "Corpus", "generate.py"), "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()[:10]
    logs = os.path.join(ROOT, "Benchmarks", "work", "matrix-%s-%s" % (args.size, generator))
    if not os.path.exists(os.path.join(logs, "fail2ban.log.gz")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "matrix", "--size", args.size, logs], check=True)
    throughput.build()
    env = dict(os.environ, TZ="UTC")
    failscan = throughput.FAILSCAN
    print("| filter | log | MB | failscan regex 1T s | 2T s | 2T MB/s | fail2ban-regex s | x (2T) | same Lines |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec, log in CASES:
        path = os.path.join(logs, log)
        mb = os.path.getsize(path) / 1e6
        one = min(timed([failscan, "regex", "--threads", "1", path, spec], env)[0] for _ in range(args.runs))
        runs = [timed([failscan, "regex", "--threads", "2", path, spec], env) for _ in range(args.runs)]
        two = min(r[0] for r in runs)
        ours = LINES.search(runs[-1][2]).group(0)
        wall, _, out, _ = timed(["fail2ban-regex", path, spec], env)
        theirs = LINES.search(out).group(0)
        print("| %s | %s | %.0f | %.2f | %.2f | %.0f | %.1f | %.0fx | %s |" % (
            spec, log, mb, one, two, mb / two, wall, wall / two, "yes" if ours == theirs else "NO: %s / %s" % (ours, theirs)))
        sys.stdout.flush()
    corpus = throughput.corpus_dir(args.corpus_size)
    work = os.path.join(ROOT, "Benchmarks", "work", "report-conf")
    os.makedirs(work, exist_ok=True)
    attackers(os.path.join(work, "attackers.log"))
    throughput.four_jails(os.path.join(work, "jail.local"),
                          "%s/auth.log\n          %s/attackers.log" % (corpus, work), "%s/mail.log" % corpus)
    html = os.path.join(work, "report.html")
    times = [timed([failscan, "jails", "--config", work, "--format", "html", "--output", html], env) for _ in range(args.runs)]
    jsons = [timed([failscan, "jails", "--config", work, "--format", "json"], env) for _ in range(args.runs)]
    rows = [line for line in jsons[-1][2].splitlines() if line]
    banned = sum('"banned":true' in line for line in rows)
    text = open(html, encoding="utf-8").read()
    size = os.path.getsize(html)
    read = re.search(r'data-files="(\d+)">\d+ \(([\d.]+) MB\)', text)
    print()
    print("| HTML report | files | MB read | rows (address, jail) | banned | size MB | html s | json s | peak RSS MB (html) |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("| 4 jails, corpus %s + 8,000 attackers | %s | %s | %d | %d | %.2f | %.2f | %.2f | %.0f |" % (
        args.corpus_size, read.group(1), read.group(2), len(rows), banned, size / 1e6, min(t[0] for t in times),
        min(t[0] for t in jsons), max(t[1] for t in times)))


if __name__ == "__main__":
    main()
