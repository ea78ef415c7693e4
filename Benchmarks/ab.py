#!/usr/bin/env python3
"""Two failscan binaries on the same files in the same run, alternated run by run (the
machine is shared and noisy: the ratio is what counts), their outputs compared.

  python3 Benchmarks/ab.py OLD NEW [--logs DIR] [--runs 5] [--threads 2]

DIR holds `Corpus/generate.py matrix` logs (default Benchmarks/work/matrix-50M, generated
with --size 50M when missing). Prints a Markdown table: per (filter, log) the mean wall time
of `scan --format json` for each binary, their ratio, and whether the outputs are the same.
With --commands, also the other commands over the same files: `jails` (the four jails of
Benchmarks/jails.py over a `corpus --size 256M`, 1 and 2 threads), the regex report and
`regex --json` on sshd's attack log, and `tune` over dovecot (timings in the report masked
before outputs are compared).
"""
import argparse, hashlib, os, re, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import throughput  # noqa: E402  (the four jails' configuration)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [("sshd", "auth-quiet.log"), ("sshd", "auth-attack10.log"), ("sshd", "auth-attack60.log"),
         ("postfix", "postfix-busy.log"), ("nginx-http-auth", "nginx-error.log"), ("apache-auth", "apache-error.log"),
         ("recidive", "fail2ban.log"), ("exim", "exim-mainlog.log"), ("courier-auth", "courier-mail.log"),
         ("sshd", "auth-attack60.log.gz"), ("sshd", "auth-dense.log")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--logs", default=os.path.join(ROOT, "Benchmarks", "work", "matrix-50M"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--commands", action="store_true")
    ap.add_argument("--only-commands", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.logs, "auth-dense.log")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "matrix", "--size", "50M", args.logs],
                       check=True, stdout=subprocess.DEVNULL)
    cases = [] if args.only_commands else [
        ("%s, %s" % (spec, log), ["scan", "--filter", spec, "--now", "1795600000", "--threads", str(args.threads), "--format", "json",
                                  os.path.join(args.logs, log)]) for spec, log in CASES]
    if args.commands or args.only_commands:
        corpus = throughput.corpus_dir("256M")
        conf = throughput.corpus_jails(corpus)
        attack = os.path.join(args.logs, "auth-attack60.log")
        for threads in ("1", "2"):
            cases.append(("jails, four jails, %s thread(s)" % threads, ["jails", "--config", conf, "--now", "1795600000", "--threads",
                                                                       threads, "--format", "json"]))
        cases.append(("regex report, sshd, auth-attack60.log", ["regex", "--now", "1795600000", attack, "sshd"]))
        cases.append(("regex --json, sshd, auth-attack60.log", ["regex", "--now", "1795600000", "--json", attack, "sshd"]))
        cases.append(("tune, dovecot, four-jail corpus", ["tune", "--config", conf, "--now", "1795600000", "--jail", "dovecot",
                                                          "--format", "json"]))
    print("| command, log | old s (mean of %d) | new s | new/old | same output |" % args.runs)
    print("|---|---|---|---|---|")
    for name, argv in cases:
        times = {args.old: [], args.new: []}
        digests = {}
        for run in range(args.runs):
            for binary in (args.old, args.new) if run % 2 == 0 else (args.new, args.old):
                start = time.perf_counter()
                done = subprocess.run([binary] + argv, capture_output=True)
                times[binary].append(time.perf_counter() - start)
                out = re.sub(rb"\d+\.\d+ sec|\"seconds\":[0-9.e-]+", b"T", done.stdout)
                digests[binary] = hashlib.md5(out).hexdigest()
        old, new = statistics.mean(times[args.old]), statistics.mean(times[args.new])
        print("| %s | %.3f | %.3f | %.2f | %s |" % (name, old, new, new / old,
                                                  "yes" if digests[args.old] == digests[args.new] else "NO"))


if __name__ == "__main__":
    main()
