#!/usr/bin/env python3
"""Issue 15's benchmark: a grid of 27 settings through `failscan tune` against one
`failscan jails` run of the same jail, over the benchmark corpus, in the same run.

  python3 Benchmarks/tune.py [--size 1G] [--runs 3]

Jails of Benchmarks/jails.py (stock sshd and qpopperauth on auth.log; stock dovecot and
the seed dovecot filter on mail.log and its rotated siblings). For each jail, best of
--runs, wall clock, 2 threads: `failscan jails --jail J --format json`; `failscan tune
--jail J` over maxretry 3,5,10 x findtime 10m,1h,1d x bantime 1h,1d,1w (JSON), with its
successful logins looked for (lockouts) and with --no-lockouts; the same grid as 27
separate jails runs is estimated as 27 times the one run. Checked: the tune's setting
equal to the jail's own (maxretry 5, findtime 10m, bantime 1h) bans what the jails run
bans.
"""
import argparse, json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402

GRID = ["--maxretry", "3,5,10", "--findtime", "10m,1h,1d", "--bantime", "1h,1d,1w"]


def best(cmd, runs):
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit("%s failed (%d):\n%s" % (" ".join(cmd), done.returncode, done.stderr.decode()[-2000:]))
        out = done.stdout
    return min(times), out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = throughput.corpus_dir(args.size)
    throughput.build()
    conf = throughput.corpus_jails(corpus)
    f = throughput.FAILSCAN
    print("| jail | jails run s | tune, 27 settings s | x jails | tune --no-lockouts s | x jails | failures | logins | 27 jails runs s (est.) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for jail in ("sshd", "qpopperauth", "dovecot", "seed-dovecot"):
        one, rows = best([f, "jails", "--config", conf, "--jail", jail, "--format", "json", "--threads", "2"], args.runs)
        tune, out = best([f, "tune", "--config", conf, "--jail", jail, "--format", "json", "--threads", "2"] + GRID, args.runs)
        quick, _ = best([f, "tune", "--config", conf, "--jail", jail, "--format", "json", "--threads", "2", "--no-lockouts"] + GRID,
                        args.runs)
        lines = [json.loads(l) for l in out.splitlines()]
        own = next(l for l in lines[:-1] if l["setting"] == {"bantime": 3600, "findtime": 600, "increment": False, "maxretry": 5})
        banned = sorted(json.loads(r)["ip"] for r in rows.splitlines() if json.loads(r)["banned"])
        if sorted(own["banned"]) != banned:
            sys.exit("%s: the tune's own setting bans %d addresses, the jails run %d" % (jail, len(own["banned"]), len(banned)))
        scan = lines[-1]["scan"]
        print("| %s | %.2f | %.2f | %.2fx | %.2f | %.2fx | %d | %d | %.1f |" % (
            jail, one, tune, tune / one, quick, quick / one, scan["failures"], scan["logins"], 27 * one))


if __name__ == "__main__":
    main()
