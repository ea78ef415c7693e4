#!/usr/bin/env python3
"""Hosts mapped where their logs are (run by Tests/FailscanTests/RootTests).

  check_hosts.py FAILSCAN REFERENCE_CONFIG ROOT1 ROOT2

ROOT1 and ROOT2 are two hosts' systems (etc/fail2ban, var/log with the same paths on both);
REFERENCE_CONFIG reads both hosts' files in one `failscan jails` run. Checks, each against
that run:
  1. a cluster of two worker processes, each the worker of one host (the resource
     failscan-host-webN) seeing its own system as / (FAILSCAN_ROOT): the same JSON, and each
     shard's files read on its own host (the addresses the sqlite output gives for
     webN:/var/log/auth.log are that host's);
  2. the same with the roots given by the driver (`Shard(root=...)`), on any worker;
  3. `python3 -m failscan_dask --scheduler ... --host web1 --host web2` against a scheduler and
     two `dask worker --resources failscan-host-webN=1` processes, as the README says: the same
     JSON, and one summary line whose failures and bans are those of `failscan jails --stats`;
  4. a host no worker serves: refused before any map, naming the resource to start;
  5. the specification `--ssh` gives SSHCluster: each host's worker offers its resource.
Exits 1 with the difference on the first mismatch.
"""
import json, os, re, shutil, sqlite3, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import failscan_dask  # noqa: E402


def expect_files(name, database, roots):
    """Each shard's failures come from its own host's file: every address failing in
    webN:/var/log/auth.log is in host N's auth.log, some of them in no other host's."""
    texts = []
    for root in roots:
        with open(os.path.join(root, "var/log/auth.log"), "rb") as f:
            texts.append(f.read())
    with sqlite3.connect(database) as db:
        for index in range(len(roots)):
            path = "web%d:/var/log/auth.log" % (index + 1)
            addresses = {row[0].encode() for row in db.execute(
                "SELECT DISTINCT ip FROM failures JOIN files ON files.id = failures.file WHERE files.path = ?", (path,))}
            own = {a for a in addresses if re.search(rb"[^0-9.]" + re.escape(a) + rb"[^0-9]", texts[index])}
            others = [t for i, t in enumerate(texts) if i != index]
            alone = {a for a in addresses if not any(re.search(rb"[^0-9.]" + re.escape(a) + rb"[^0-9]", t) for t in others)}
            if not addresses or own != addresses or not alone:
                sys.exit("%s: %s: %d addresses, %d in that host's file, %d in its alone: read on the wrong host"
                         % (name, path, len(addresses), len(own), len(alone)))


def main():
    failscan, reference = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    roots = [os.path.abspath(r) for r in sys.argv[3:5]]
    config = os.path.join(roots[0], "etc/fail2ban")
    work = tempfile.mkdtemp(prefix="failscan-hosts-")
    whole = subprocess.run([failscan, "jails", "--config", reference, "--format", "json", "--stats"], check=True,
                           capture_output=True, text=True)
    expected = whole.stdout.encode()
    stats = re.findall(r"\] \d+ file\(s\), \d+ candidate line\(s\), (\d+) failure\(s\), \d+ address\(es\), (\d+) banned",
                       whole.stderr)
    failures, banned = sum(int(f) for f, _ in stats), sum(int(b) for _, b in stats)
    if expected.count(b'"banned":true') == 0 or banned == 0:
        sys.exit("the hosts ban nobody: nothing would be checked")

    from dask.distributed import Client, Nanny, Scheduler, SpecCluster

    # 1. Each worker is one host's: its resource, and its own system as / (FAILSCAN_ROOT).
    workers = {"web%d" % (i + 1): {"cls": Nanny, "options": {
        "nthreads": 1, "resources": {failscan_dask.host_resource("web%d" % (i + 1)): 1},
        "env": {"FAILSCAN_ROOT": root}}} for i, root in enumerate(roots)}
    scheduler = {"cls": Scheduler, "options": {"dashboard_address": None}}
    with SpecCluster(workers=workers, scheduler=scheduler) as cluster, Client(cluster) as client:
        hosts = [failscan_dask.Shard("web1", on_host=True), failscan_dask.Shard("web2", on_host=True)]
        result = failscan_dask.run_detailed(client, hosts, config, 3, "json", failscan, map_options=("--threads", "1"))
        if result.output != expected:
            sys.exit("hosts: JSON differs from failscan jails (%d bytes against %d)" % (len(result.output), len(expected)))
        if (result.failures, result.banned, result.maps, result.ledgers) != (failures, banned, 2, 6):
            sys.exit("hosts: %d failures, %d banned, %d maps, %d ledgers; failscan jails: %d failures, %d banned"
                     % (result.failures, result.banned, result.maps, result.ledgers, failures, banned))
        database = os.path.join(work, "hosts.sqlite")
        with open(database, "wb") as f:
            f.write(failscan_dask.run(client, hosts, config, 3, "sqlite", failscan, map_options=("--threads", "1")))
        expect_files("hosts", database, roots)
        print("hosts: each host mapped on its own worker (FAILSCAN_ROOT), same JSON (%d rows) as failscan jails"
              % expected.count(b"\n"))

        # 2. Restored copies named by the driver: any worker.
        copies = [failscan_dask.Shard("web%d" % (i + 1), root=root) for i, root in enumerate(roots)]
        if failscan_dask.run(client, copies, config, 3, "json", failscan, map_options=("--threads", "1")) != expected:
            sys.exit("roots: JSON differs from failscan jails")
        print("roots: restored copies mapped with --root, same JSON as failscan jails")

        # 4. A host no worker serves: refused before any map (a map would wait forever).
        try:
            failscan_dask.run(client, hosts + [failscan_dask.Shard("web3", on_host=True)], config, 1, "json", failscan)
            sys.exit("a host without a worker was not refused")
        except failscan_dask.DriverError as e:
            if "no worker offers host web3" not in str(e) or "--resources failscan-host-web3=1" not in str(e):
                sys.exit("a host without a worker: %s" % e)
        print("a host without a worker: refused, the resource to start named")

    # 3. The command line against a scheduler and one `dask worker` per host, as documented.
    scheduler_file = os.path.join(work, "scheduler.json")
    # Every process of the cluster imports the driver (`pip install ./Drivers/dask` on each).
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (os.path.dirname(HERE), os.environ.get("PYTHONPATH")) if p))
    processes = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file",
                                   scheduler_file, "--port", "0", "--no-dashboard"], env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(600):
            if os.path.exists(scheduler_file):
                break
            time.sleep(0.1)
        for i, root in enumerate(roots):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", scheduler_file, "--nthreads", "1",
                 "--no-dashboard", "--resources", "%s=1" % failscan_dask.host_resource("web%d" % (i + 1))],
                env=dict(environment, FAILSCAN_ROOT=root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with open(scheduler_file) as f:
            address = json.load(f)["address"]
        from dask.distributed import Client

        with Client(address) as client:
            client.wait_for_workers(2, timeout=120)
        output = os.path.join(work, "cli.json")
        done = subprocess.run([sys.executable, "-m", "failscan_dask", "--config", config, "--scheduler", address,
                               "--host", "web1", "--host", "web2", "--partitions", "3", "--format", "json", "--output",
                               output, "--failscan", failscan, "--map-threads", "1"],
                              cwd=os.path.dirname(HERE), capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit("python3 -m failscan_dask --host: exit %d: %s" % (done.returncode, done.stderr))
        with open(output, "rb") as f:
            if f.read() != expected:
                sys.exit("python3 -m failscan_dask --host: JSON differs from failscan jails")
        line = "failscan_dask: 2 shards in 2 maps, 6 ledgers; %d jails: %d failures, %d addresses banned; written to %s\n" % (
            len(stats), failures, banned, output)
        if done.stderr != line:
            sys.exit("python3 -m failscan_dask --host: standard error %r, expected the summary %r" % (done.stderr, line))
        print("python3 -m failscan_dask --host: dask worker --resources per host, same JSON, summary: " + line.strip())
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    # 5. --ssh: SSHCluster's specification, each host's worker offering its resource.
    _, spec = failscan_dask.ssh_spec(["sched", "web1", "web2"], {"known_hosts": None}, {"nthreads": 1})
    got = [(w["options"]["address"], w["options"]["kwargs"]["resources"]) for w in spec.values()]
    if got != [("web1", {"failscan-host-web1": 1}), ("web2", {"failscan-host-web2": 1})]:
        sys.exit("--ssh: the workers' resources are %s" % got)
    print("--ssh: each host's worker offers failscan-host-HOST")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
