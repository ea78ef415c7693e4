#!/usr/bin/env python3
"""Issue 13's benchmark: a fleet through the Dask driver against one `failscan jails`.

  python3 Benchmarks/fleet.py [--hosts 16] [--host-size 16M] [--partitions 4] [--runs 3]

A fleet of --hosts hosts (Corpus/generate.py corpus, one seed per host, each host's name in
its lines) with four rotated gzip files each (auth.log.1.gz, auth.log.2.gz, mail.log.1.gz,
mail.log.2.gz: 64 files for 16 hosts), generated once under Benchmarks/work/. Four jails
(sshd, qpopperauth, dovecot, the seed dovecot). Timed, best of --runs, wall clock:
one `failscan jails` (2 threads); the hosts packed into two maps run by hand at once (one
thread each), then the reduce of their ledgers (where the overhead is); the Dask driver on a
LocalCluster of 2 single-threaded worker processes (cluster start-up excluded; maps with
`--threads 1`: a map per host, hosts packed into two maps per worker (the driver's
default), or into one map per worker). Checked: the same JSON bytes. Reported: overhead of
map + ledger + reduce over the single run, ledger bytes per failure.
"""
import argparse, gzip, os, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
sys.path.insert(0, os.path.join(ROOT, "Drivers", "dask"))
import throughput  # noqa: E402
import failscan_dask  # noqa: E402


def fleet(hosts, size):
    work = os.path.join(ROOT, "Benchmarks", "work", "fleet-%d-%s" % (hosts, size))
    if os.path.exists(os.path.join(work, "jail.local")):
        return work
    tmp = work + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for h in range(hosts):
        d = os.path.join(tmp, "h%02d" % h)
        subprocess.run([sys.executable, os.path.join(ROOT, "Corpus", "generate.py"), "corpus", "--size", size, "--files", "2",
                        "--seed", str(100 + h), d], check=True, stdout=subprocess.DEVNULL)
        name = b" mail%02d " % h
        for log in ("auth.log", "mail.log"):
            lines = open(os.path.join(d, log), "rb").read().replace(b" mail ", name).splitlines(keepends=True)
            half = len(lines) // 2
            for n, part in ((2, lines[:half]), (1, lines[half:])):
                with gzip.open(os.path.join(d, "%s.%d.gz" % (log, n)), "wb", compresslevel=6) as f:
                    f.writelines(part)
        for f in list(os.listdir(d)):
            if f not in ("auth.log.1.gz", "auth.log.2.gz", "mail.log.1.gz", "mail.log.2.gz"):
                os.remove(os.path.join(d, f))
    throughput.four_jails(os.path.join(tmp, "jail.local"), "%s/h*/auth.log*" % work, "%s/h*/mail.log*" % work)
    os.rename(tmp, work)
    return work


def best(fn, runs):
    times = []
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hosts", type=int, default=16)
    ap.add_argument("--host-size", default="16M")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = fleet(args.hosts, args.host_size)
    throughput.build()
    failscan = throughput.FAILSCAN
    hosts = sorted(h for h in os.listdir(work) if h.startswith("h"))
    files = {h: sorted(os.path.join(work, h, f) for f in os.listdir(os.path.join(work, h))) for h in hosts}
    gz = sum(os.path.getsize(f) for fs in files.values() for f in fs)
    single_t, single = best(lambda: subprocess.run([failscan, "jails", "--config", work, "--format", "json", "--threads", "2"],
                                                   check=True, capture_output=True).stdout, args.runs)

    shards = [failscan_dask.Shard(h, tuple(failscan_dask.SourceFile(f) for f in files[h])) for h in hosts]
    halves = failscan_dask.pack(shards, 2)
    out = os.path.join(work, "ledgers")

    def maps():
        # Two map processes at once, one thread each (the two workers of the Dask runs).
        shutil.rmtree(out, ignore_errors=True)
        running = [subprocess.Popen([failscan, "map", "--config", work, "--partitions", str(args.partitions), "--out", out,
                                     "--shard", half.name, "--threads", "1"] + [f.source for f in half.files],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for half in halves]
        assert all(p.wait() == 0 for p in running)
        return sorted(os.path.join(out, f) for f in os.listdir(out))

    def reduce(ledgers):
        return subprocess.run([failscan, "reduce", "--config", work, "--format", "json"] + ledgers, check=True,
                              capture_output=True).stdout

    maps_t, ledgers = best(maps, args.runs)
    reduce_t, hand = best(lambda: reduce(ledgers), args.runs)
    ledger_bytes = sum(os.path.getsize(f) for f in ledgers)
    failures = sum(int(line.split(b'"failures":')[1].split(b",")[0]) for line in single.splitlines())
    from dask.distributed import Client, LocalCluster

    threads = ("--threads", "1")  # each worker is one of the machine's two cores
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask_t, dask_out = best(lambda: failscan_dask.run(client, shards, work, args.partitions, "json", failscan,
                                                          map_options=threads), args.runs)
        two_t, two = best(lambda: failscan_dask.run(client, shards, work, args.partitions, "json", failscan,
                                                    map_options=threads, tasks=2), args.runs)
        unpacked_t, unpacked = best(lambda: failscan_dask.run(client, shards, work, args.partitions, "json", failscan,
                                                              map_options=threads, tasks=len(shards)), args.runs)
    same = single == hand == dask_out == two == unpacked
    print("| run | wall s | vs one jails run |")
    print("|---|---|---|")
    print("| one `failscan jails` (2 threads) | %.2f | 1.00x |" % single_t)
    print("| maps by hand: two `failscan map` processes at once (hosts packed in two, 1 thread each) | %.2f | %.2fx |"
          % (maps_t, maps_t / single_t))
    print("| then `failscan reduce` of their ledgers | %.2f | %.2fx |" % (reduce_t, reduce_t / single_t))
    print("| maps + reduce by hand (no Dask) | %.2f | %.2fx |" % (maps_t + reduce_t, (maps_t + reduce_t) / single_t))
    print("| Dask LocalCluster, 2 worker processes, a map per host | %.2f | %.2fx |" % (unpacked_t, unpacked_t / single_t))
    print("| Dask LocalCluster, 2 worker processes, hosts packed into 4 maps (the default) | %.2f | %.2fx |"
          % (dask_t, dask_t / single_t))
    print("| Dask LocalCluster, 2 worker processes, hosts packed into 2 maps | %.2f | %.2fx |" % (two_t, two_t / single_t))
    print()
    print("%d hosts, %d gzip files, %.1f MB compressed; %d failures; %d ledgers, %d bytes: %.2f bytes per failure; "
          "outputs identical: %s" % (len(hosts), sum(len(v) for v in files.values()), gz / 1e6, failures, len(ledgers),
                                     ledger_bytes, ledger_bytes / max(failures, 1), "yes" if same else "NO"))


if __name__ == "__main__":
    main()
