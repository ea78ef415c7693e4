#!/usr/bin/env python3
"""Two failscan binaries on the same files in the same run, alternated run by run (the
machine is shared and noisy: the ratio is what counts), their outputs compared.

  python3 Benchmarks/ab.py OLD NEW [--logs DIR] [--runs 5] [--threads 2]

DIR holds `Corpus/generate.py matrix` logs (default Benchmarks/work/matrix-50M, generated
with --size 50M when missing). Prints a Markdown table: per (filter, log) the mean wall time
of `scan --format json` for each binary, their ratio, and whether the outputs are the same.
"""
import argparse, hashlib, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [("sshd", "auth-quiet.log"), ("sshd", "auth-attack10.log"), ("sshd", "auth-attack60.log"),
         ("postfix", "postfix-busy.log"), ("nginx-http-auth", "nginx-error.log"), ("apache-auth", "apache-error.log"),
         ("recidive", "fail2ban.log"), ("exim", "exim-mainlog.log"), ("courier-auth", "courier-mail.log"),
         ("sshd", "auth-attack60.log.gz")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--logs", default=os.path.join(ROOT, "Benchmarks", "work", "matrix-50M"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.logs, "auth-attack60.log")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "matrix", "--size", "50M", args.logs],
                       check=True, stdout=subprocess.DEVNULL)
    print("| filter, log | old s (mean of %d) | new s | new/old | same output |" % args.runs)
    print("|---|---|---|---|---|")
    for spec, log in CASES:
        times = {args.old: [], args.new: []}
        digests = {}
        for run in range(args.runs):
            for binary in (args.old, args.new) if run % 2 == 0 else (args.new, args.old):
                start = time.perf_counter()
                done = subprocess.run([binary, "scan", "--filter", spec, "--now", "1795600000", "--threads", str(args.threads),
                                       "--format", "json", os.path.join(args.logs, log)], capture_output=True)
                times[binary].append(time.perf_counter() - start)
                digests[binary] = hashlib.md5(done.stdout).hexdigest()
        old, new = statistics.mean(times[args.old]), statistics.mean(times[args.new])
        print("| %s, %s | %.3f | %.3f | %.2f | %s |" % (spec, log, old, new, new / old,
                                                       "yes" if digests[args.old] == digests[args.new] else "NO"))


if __name__ == "__main__":
    main()
