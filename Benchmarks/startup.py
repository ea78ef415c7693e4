#!/usr/bin/env python3
"""Issue 14's figures: the packaged binary's size and start-up time.

  python3 Benchmarks/startup.py [--runs 50] [--deb PATH]

Builds the package with scripts/package (unless --deb names one), unpacks it with
`dpkg -x`, and times the installed binary, median and best of --runs, wall clock:
`failscan --version`; `failscan scan` of an empty file with a seed filter (qpopperauth)
and with the stock sshd filter (its regexes compiled with PCRE2's JIT); fail2ban-regex on
the same empty file with sshd for scale. Prints a Markdown table.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit("%s exited %d" % (" ".join(command), done.returncode))
    return statistics.median(times) * 1000, min(times) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--deb")
    args = ap.parse_args()
    deb = args.deb
    if not deb:
        built = subprocess.run(["bash", os.path.join(ROOT, "scripts", "package")], check=True, capture_output=True, text=True)
        deb = built.stdout.strip().splitlines()[-1]
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["dpkg", "-x", deb, work], check=True)
        binary = os.path.join(work, "usr/bin/failscan")
        examples = os.path.join(work, "usr/share/doc/failscan/examples")
        empty = os.path.join(work, "empty.log")
        open(empty, "w").close()
        rows = [
            ("`failscan --version`", [binary, "--version"]),
            ("`failscan scan` of an empty file, seed qpopperauth filter",
             [binary, "scan", "--filter", os.path.join(examples, "filters/qpopperauth.conf"), empty]),
            ("`failscan scan` of an empty file, stock sshd filter", [binary, "scan", "--filter", "sshd", empty]),
        ]
        if os.path.exists("/usr/bin/fail2ban-regex"):
            rows.append(("`fail2ban-regex` of the empty file, sshd (for scale)",
                         ["/usr/bin/python3", "/usr/bin/fail2ban-regex", empty, "sshd"]))
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        print("%s: package %.1f MB, binary %.1f MB (stripped, the Swift runtime and Foundation linked in)"
              % (version, os.path.getsize(deb) / 1e6, os.path.getsize(binary) / 1e6))
        print()
        print("| command | median ms | best ms |")
        print("|---|---|---|")
        for name, command in rows:
            runs = args.runs if "fail2ban" not in name else max(3, args.runs // 10)
            median, best = timed(command, runs)
            print("| %s | %.1f | %.1f |" % (name, median, best))


if __name__ == "__main__":
    main()
