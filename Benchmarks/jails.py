#!/usr/bin/env python3
"""failscan jails on every core: four jails, one of them the stock sshd filter (<F-MLFID>),
over the benchmark corpus, with 1 and 2 threads, in the same run.

  python3 Benchmarks/jails.py [--size 1G] [--runs 3]

Jails: stock sshd and qpopperauth on auth.log, stock dovecot and the seed dovecot filter on
mail.log with its rotated siblings (plain and gzip). Reports wall time, CPU time (user +
sys), CPU/wall (how many cores were busy), peak RSS and the speed-up of 2 threads over 1;
the ban count of every run is checked to be the same.
"""
import argparse, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import throughput  # noqa: E402  (corpus and build helpers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = throughput.corpus_dir(args.size)
    throughput.build()
    conf = throughput.corpus_jails(corpus)
    rows = {}
    for threads in (1, 2):
        walls, cpus, rss, bans = [], [], [], set()
        for _ in range(args.runs):
            cmd = ["/usr/bin/time", "-f", "%e %U %S %M", throughput.FAILSCAN, "jails", "--config", conf,
                   "--threads", str(threads), "--stats"]
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                sys.exit("failscan jails failed (%d):\n%s" % (p.returncode, p.stderr[-2000:]))
            wall, user, system, peak = p.stderr.strip().splitlines()[-1].split()
            walls.append(float(wall))
            cpus.append(float(user) + float(system))
            rss.append(int(peak) / 1024)
            bans.add(len(p.stdout.splitlines()))
            stats = [l for l in p.stderr.splitlines() if "MB in" in l]
        if len(bans) != 1:
            sys.exit("ban counts differ between runs: %s" % bans)
        rows[threads] = (statistics.mean(walls), statistics.mean(cpus), max(rss), bans.pop(), stats[0] if stats else "")
    print("| threads | wall (s) | CPU (s) | CPU / wall | peak RSS (MB) | banned addresses |")
    print("|---|---|---|---|---|---|")
    for threads, (wall, cpu, rss, banned, _) in rows.items():
        print("| %d | %.3f | %.3f | %.2f | %.0f | %d |" % (threads, wall, cpu, cpu / wall, rss, banned))
    print()
    print("speed-up of 2 threads over 1: %.2fx" % (rows[1][0] / rows[2][0]))
    print("corpus: %s" % rows[2][4].replace("failscan: ", ""))
    if rows[1][3] != rows[2][3]:
        sys.exit("1 and 2 threads banned different counts")


if __name__ == "__main__":
    main()
