"""python3 -m failscan_dask: failscan map and reduce on a Dask cluster.

  python3 -m failscan_dask --config DIR --manifest shards.json --partitions 8 \\
      --format nft --output bans.nft [--local-workers 2 | --scheduler tcp://host:8786 | --ssh h1,h2,h3]

  python3 -m failscan_dask --config DIR --shard web1='/logs/web1/auth.log*' --shard web2='/logs/web2/auth.log*' ...

  python3 -m failscan_dask --config DIR --root web1=/srv/restore/web1 --root web2=/mnt/web2 ...

  python3 -m failscan_dask --config /etc/fail2ban --scheduler tcp://sched:8786 --host web1 --host web2 ...

A shard is one host's logs: files (--shard, --manifest), a restored copy of its system
(--root, mapped with `failscan map --root` on any worker), or its own system (--host,
mapped on the worker that host runs: started with `dask worker SCHEDULER --resources
failscan-host-NAME=1`, or given by --ssh). On success, one summary line on standard error.
"""
import argparse
import glob
import os
import sys

from . import (FORMATS, DriverError, FailscanError, Shard, SourceFile, check_shard_name, load_manifest, run_detailed,
               ssh_cluster, write_output)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m failscan_dask", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True,
                    help="the fail2ban configuration (at this path on every worker; the reduce reads it too)")
    ap.add_argument("--manifest", help="shards as JSON: {\"shards\": {NAME: [{source, path, mtime}, ...]}}")
    ap.add_argument("--shard", action="append", default=[], metavar="NAME=GLOB",
                    help="a shard of local files (repeatable; a glob, quoted)")
    ap.add_argument("--root", action="append", default=[], metavar="NAME=DIR",
                    help="a shard that is a host's restored copy or mounted image at DIR, on any worker: every jail's "
                         "logpath and journal inside DIR (failscan map --root; repeatable)")
    ap.add_argument("--host", action="append", default=[], metavar="NAME[=DIR]",
                    help="a shard that is host NAME's own logs, mapped on that host's worker (the one started with "
                         "--resources failscan-host-NAME=1, or NAME in --ssh): its system at DIR, else the worker's "
                         "FAILSCAN_ROOT, else / (repeatable)")
    ap.add_argument("--partitions", type=int, default=1,
                    help="ledgers per shard, partitioned by address, reduced on the reduce task's cores (default: 1)")
    ap.add_argument("--format", default="list", dest="output_format", choices=FORMATS, metavar="FORMAT",
                    help="failscan's output format: %s (default: list)" % ", ".join(FORMATS))
    ap.add_argument("--output", help="write the output to this file (atomically) instead of standard output")
    ap.add_argument("--failscan", default="failscan", help="the failscan binary on the workers")
    ap.add_argument("--s3-endpoint", help="an S3-compatible endpoint (MinIO, Ceph, moto)")
    ap.add_argument("--maps", type=int,
                    help="pack the shards into at most this many map tasks (default: two per worker thread)")
    ap.add_argument("--map-threads", type=int,
                    help="threads of each `failscan map` (default: the machine's cores divided among the "
                         "--local-workers; elsewhere failscan's own default, every core of the worker's machine)")
    ap.add_argument("--stream", action="store_true",
                    help="stream s3:// objects through FIFOs at the configured paths instead of downloading them")
    cluster = ap.add_mutually_exclusive_group()
    cluster.add_argument("--local-workers", type=int, help="a LocalCluster of this many worker processes")
    cluster.add_argument("--scheduler", help="the address of a running scheduler")
    cluster.add_argument("--ssh", help="an SSHCluster: the scheduler's host first, then the workers', comma-separated")
    args = ap.parse_args(argv)
    shards = load_manifest(args.manifest) if args.manifest else []
    for spec in args.shard:
        name, _, pattern = spec.partition("=")
        files = sorted(glob.glob(pattern))
        if not name or not files:
            ap.error("--shard %s: NAME=GLOB naming at least one file" % spec)
        shards.append(Shard(name, tuple(SourceFile(f) for f in files)))
    for spec in args.root:
        name, _, directory = spec.partition("=")
        if not name or not directory or not os.path.isdir(directory):
            ap.error("--root %s: NAME=DIR naming a directory (a restored system)" % spec)
        shards.append(Shard(name, root=os.path.abspath(directory)))
    for spec in args.host:
        name, _, directory = spec.partition("=")
        if not name:
            ap.error("--host %s: NAME or NAME=DIR" % spec)
        shards.append(Shard(name, root=directory or None, on_host=True))
    if not shards:
        ap.error("no shard: give --manifest, --shard, --root or --host")
    names = [s.name for s in shards]
    for name in sorted(set(n for n in names if names.count(n) > 1)):
        ap.error("shard %s given twice (each host one shard)" % name)
    for shard in shards:
        try:
            check_shard_name(shard.name)
        except ValueError as e:
            ap.error(str(e))
    if args.partitions < 1 or args.partitions > 65536:
        ap.error("--partitions %d: from 1 to 65536" % args.partitions)
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    elif args.ssh:
        client = Client(ssh_cluster(args.ssh.split(","), connect_options={"known_hosts": None}))
    else:
        client = Client(LocalCluster(n_workers=args.local_workers or 2, threads_per_worker=1, processes=True,
                                     dashboard_address=None))
    s3 = {"endpoint_url": args.s3_endpoint} if args.s3_endpoint else None
    threads = args.map_threads
    if threads is None and not (args.scheduler or args.ssh):
        # Workers that share this machine share its cores: a map each would oversubscribe them.
        threads = max(1, (os.cpu_count() or 1) // (args.local_workers or 2))
    map_options = ("--threads", str(threads)) if threads else ()
    try:
        with client:
            result = run_detailed(client, shards, args.config, args.partitions, args.output_format, args.failscan, s3,
                                  map_options=map_options, tasks=args.maps, stream=args.stream)
    except FailscanError as e:
        # failscan's own error lines, as it wrote them; the driver adds which step failed.
        sys.stderr.write(e.stderr if e.stderr.endswith("\n") or not e.stderr else e.stderr + "\n")
        sys.stderr.write("failscan_dask: error: %s\n" % e.summary)
        return 3 if e.status > 0 else 70
    except (DriverError, OSError, ValueError) as e:
        sys.stderr.write("failscan_dask: error: %s\n" % e)
        return 3
    for text in result.warnings:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
    if args.output:
        try:
            write_output(args.output, result.output)
        except OSError as e:
            sys.stderr.write("failscan_dask: error: %s\n" % e)
            return 3
    else:
        sys.stdout.buffer.write(result.output)
        sys.stdout.flush()
    sys.stderr.write(result.summary(len(shards), "written to %s" % args.output if args.output else "on standard output")
                     + "\n")
    return result.status


if __name__ == "__main__":
    sys.exit(main())
