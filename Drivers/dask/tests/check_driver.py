#!/usr/bin/env python3
"""The Dask driver gives what one `failscan jails` gives (run by Tests/FailscanTests).

  check_driver.py FAILSCAN FLEET

FLEET holds jail.local and one folder of logs per host (h0, h1, ...). Checks, each against
`failscan jails --config FLEET` on the same files:
  1. a LocalCluster(processes=True) of two workers mapping the hosts from disk, 3 partitions:
     the same JSON bytes and the same sqlite rows;
  2. the hosts packed into two maps: the same JSON;
  3. `python3 -m failscan_dask` with a shard per host (--shard NAME=GLOB), its own
     LocalCluster, the hosts packed into one map of one thread: the same JSON;
  4. the same with the files in a local S3 server (moto's server mode) and gone from disk:
     each file fetched to the path the configuration names, its modification time
     restored from the manifest; and streamed through FIFOs at those paths instead;
  5. hostile and broken inputs (issue 22): a truncated .gz (exit 1, failscan's warning
     shown), a failscan that crashes (its signal named), a bad --format and shard names
     refused before any map, a file already at a configured path neither overwritten nor
     removed (fetched or streamed), an --output link planted by another user not followed.
Exits 1 with the difference on the first mismatch.
"""
import gzip, json, os, shutil, sqlite3, stat, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import failscan_dask  # noqa: E402


def dump(path):
    with sqlite3.connect(path) as db:
        return sorted(db.iterdump())


def reference(failscan, fleet, work):
    out = {}
    out["json"] = subprocess.run([failscan, "jails", "--config", fleet, "--format", "json"], check=True,
                                 capture_output=True).stdout
    db = os.path.join(work, "one.sqlite")
    subprocess.run([failscan, "jails", "--config", fleet, "--format", "sqlite", "--output", db], check=True,
                   capture_output=True)
    out["sqlite"] = dump(db)
    return out


def compare(name, expected, client, shards, failscan, fleet, work, s3=None):
    got_json = failscan_dask.run(client, shards, fleet, 3, "json", failscan, s3)
    if got_json != expected["json"]:
        sys.exit("%s: JSON differs from failscan jails (%d bytes against %d)" % (name, len(got_json), len(expected["json"])))
    db = os.path.join(work, name + ".sqlite")
    with open(db, "wb") as f:
        f.write(failscan_dask.run(client, shards, fleet, 3, "sqlite", failscan, s3))
    if dump(db) != expected["sqlite"]:
        sys.exit("%s: the sqlite rows differ from failscan jails" % name)
    rows = expected["json"].count(b"\n")
    print("%s: same JSON (%d rows) and sqlite rows as failscan jails" % (name, rows))


def hostile(failscan, fleet, work, client, hosts):
    """Check 5: broken and hostile inputs to the driver."""
    def cli(*args, **kw):
        command = [sys.executable, "-m", "failscan_dask", "--config", fleet, "--failscan", kw.get("failscan", failscan),
                   "--local-workers", "1", "--map-threads", "1"] + list(args)
        return subprocess.run(command, cwd=os.path.dirname(HERE), capture_output=True, text=True)

    # A truncated .gz: failscan maps what inflated and warns; the driver shows it, exits 1.
    broken = os.path.join(fleet, "hbroken")  # h*/auth.log: a jail reads it
    os.makedirs(broken)
    with open(os.path.join(fleet, hosts[0], "auth.log"), "rb") as f:
        data = gzip.compress(f.read())
    with open(os.path.join(broken, "auth.log"), "wb") as f:
        f.write(data[: len(data) // 2])
    try:
        done = cli("--format", "list", "--shard=b=%s/*" % broken)
    finally:
        shutil.rmtree(broken)
    if done.returncode != 1 or "hbroken/auth.log" not in done.stderr or "failscan: warning:" not in done.stderr:
        sys.exit("truncated .gz: exit %d, stderr %r" % (done.returncode, done.stderr))
    print("truncated .gz: exit 1, failscan's warning shown")

    # A failscan that crashes in the map: the driver names the signal, no traceback.
    crasher = os.path.join(work, "crasher")
    with open(crasher, "w") as f:
        f.write('#!/bin/sh\necho "about to crash" >&2\nkill -SEGV $$\n')
    os.chmod(crasher, 0o755)
    done = cli("--format", "list", "--shard=%s=%s/*" % (hosts[0], os.path.join(fleet, hosts[0])), failscan=crasher)
    if done.returncode != 70 or "killed by SIGSEGV" not in done.stderr or "Traceback" in done.stderr:
        sys.exit("crash: exit %d, stderr %r" % (done.returncode, done.stderr))
    print("crash: exit 70, the signal named")

    # A bad format and shard names the ledgers' paths cannot hold: refused before any map.
    marker = os.path.join(work, "mapped")
    recorder = os.path.join(work, "recorder")
    with open(recorder, "w") as f:
        f.write('#!/bin/sh\ntouch "%s"\nexit 3\n' % marker)
    os.chmod(recorder, 0o755)
    for args in (["--format", "json2"], ["--shard=../x=%s/*" % os.path.join(fleet, hosts[0])],
                 ["--shard=%s=%s/*" % ("x" * 201, os.path.join(fleet, hosts[0]))]):
        done = cli(*(args if args[0] == "--format" else ["--format", "list"] + args), failscan=recorder)
        if done.returncode != 2 or os.path.exists(marker) or "Traceback" in done.stderr:
            sys.exit("%s: exit %d, map ran: %s, stderr %r" % (args, done.returncode, os.path.exists(marker), done.stderr))
    print("bad --format and shard names: refused before any map")

    # A file already at a configured path is the worker's own: neither replaced nor removed.
    own = os.path.join(work, "own", "auth.log")
    os.makedirs(os.path.dirname(own))
    with open(own, "w") as f:
        f.write("the worker's live log\n")
    for stream in (False, True):
        shard = failscan_dask.Shard("own", (failscan_dask.SourceFile(os.path.join(fleet, hosts[0], "auth.log"), own),)
                                    if not stream else (failscan_dask.SourceFile("s3://fleet/x", own),))
        try:
            failscan_dask.run(client, [shard], fleet, 1, "list", failscan, {"endpoint_url": "http://127.0.0.1:9"},
                              stream=stream)
            sys.exit("a file at a configured path was replaced (stream %s)" % stream)
        except failscan_dask.DriverError as e:
            if "already there" not in str(e):
                sys.exit("a file at a configured path: %s" % e)
        with open(own) as f:
            if f.read() != "the worker's live log\n":
                sys.exit("a file at a configured path was changed (stream %s)" % stream)
    print("a file at a configured path: neither overwritten nor removed, fetched or streamed")

    # --output through a link another user planted in a shared directory: not followed.
    shared = os.path.join(work, "shared")
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    victim = os.path.join(work, "victim")
    with open(victim, "w") as f:
        f.write("secret\n")
    os.chmod(victim, 0o600)
    link = os.path.join(shared, "bans.txt")
    os.symlink(victim, link)
    if os.geteuid() == 0:
        os.lchown(link, 4242, 4242)
        done = cli("--format", "list", "--output", link, "--shard=%s=%s/*" % (hosts[0], os.path.join(fleet, hosts[0])))
        if done.returncode != 3 or "protected_symlinks" not in done.stderr:
            sys.exit("planted link: exit %d, stderr %r" % (done.returncode, done.stderr))
        with open(victim) as f:
            if f.read() != "secret\n" or stat.S_IMODE(os.stat(victim).st_mode) != 0o600:
                sys.exit("planted link: the target was rewritten")
        print("planted --output link: refused, its target untouched")
    # The writer's own link is followed; the file keeps its mode.
    own_link = os.path.join(work, "own-link")
    os.symlink(victim, own_link)
    failscan_dask.write_output(own_link, b"192.0.2.1\n")
    if open(victim, "rb").read() != b"192.0.2.1\n" or stat.S_IMODE(os.stat(victim).st_mode) != 0o600:
        sys.exit("own link: the file was not written in place with its mode")


def main():
    failscan, fleet = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    hosts = sorted(h for h in os.listdir(fleet) if os.path.isdir(os.path.join(fleet, h)) and not h.endswith(".orig"))
    work = tempfile.mkdtemp(prefix="failscan-dask-")
    expected = reference(failscan, fleet, work)
    if expected["json"].count(b'"banned":true') == 0:
        sys.exit("the fleet bans nobody: nothing would be checked")
    os.environ.update(AWS_ACCESS_KEY_ID="failscan", AWS_SECRET_ACCESS_KEY="failscan", AWS_DEFAULT_REGION="us-east-1")
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        shards = [failscan_dask.Shard(h, tuple(failscan_dask.SourceFile(os.path.join(fleet, h, f))
                                               for f in sorted(os.listdir(os.path.join(fleet, h))))) for h in hosts]
        hostile(failscan, fleet, work, client, hosts)
        compare("local", expected, client, shards, failscan, fleet, work)
        # Hosts packed two by two into maps: the same output.
        packed = failscan_dask.run(client, shards, fleet, 3, "json", failscan, tasks=2)
        if packed != expected["json"]:
            sys.exit("packed: JSON differs from failscan jails")
        print("packed: %d hosts in 2 maps, same JSON as failscan jails" % len(shards))

        # The command line, with its own LocalCluster.
        cli = os.path.join(work, "cli.json")
        command = [sys.executable, "-m", "failscan_dask", "--config", fleet, "--partitions", "3", "--format", "json",
                   "--output", cli, "--failscan", failscan, "--local-workers", "2", "--maps", "1", "--map-threads", "1"]
        command += ["--shard=%s=%s/*" % (h, os.path.join(fleet, h)) for h in hosts]
        subprocess.run(command, check=True, cwd=os.path.dirname(HERE), capture_output=True)
        with open(cli, "rb") as f:
            if f.read() != expected["json"]:
                sys.exit("python3 -m failscan_dask: JSON differs from failscan jails")
        print("python3 -m failscan_dask: %d shards in one map, same JSON as failscan jails" % len(hosts))

        from moto.server import ThreadedMotoServer
        import boto3

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            endpoint = "http://%s:%d" % server.get_host_and_port()
            s3 = boto3.client("s3", endpoint_url=endpoint)
            s3.create_bucket(Bucket="fleet")
            manifest = {"shards": {}}
            for h in hosts:
                for f in sorted(os.listdir(os.path.join(fleet, h))):
                    path = os.path.join(fleet, h, f)
                    s3.upload_file(path, "fleet", "%s/%s" % (h, f))
                    manifest["shards"].setdefault(h, []).append(
                        {"source": "s3://fleet/%s/%s" % (h, f), "path": path, "mtime": int(os.stat(path).st_mtime)})
            with open(os.path.join(work, "manifest.json"), "w") as m:
                json.dump(manifest, m)
            # The files leave the disk: the maps must fetch them.
            for h in hosts:
                os.rename(os.path.join(fleet, h), os.path.join(fleet, h + ".orig"))
            try:
                manifest_shards = failscan_dask.load_manifest(os.path.join(work, "manifest.json"))
                compare("s3", expected, client, manifest_shards, failscan, fleet, work, {"endpoint_url": endpoint})
                for h in hosts:
                    shutil.rmtree(os.path.join(fleet, h))
                streamed = failscan_dask.run(client, manifest_shards, fleet, 3, "json", failscan,
                                             {"endpoint_url": endpoint}, stream=True)
                if streamed != expected["json"]:
                    sys.exit("s3 streamed: JSON differs from failscan jails")
                left = [f for h in hosts if os.path.isdir(os.path.join(fleet, h)) for f in os.listdir(os.path.join(fleet, h))]
                if left:
                    sys.exit("s3 streamed: FIFOs left behind: %s" % left)
                print("s3 streamed: objects through FIFOs, nothing on disk, same JSON as failscan jails")
            finally:
                for h in hosts:
                    if os.path.exists(os.path.join(fleet, h)):
                        shutil.rmtree(os.path.join(fleet, h))
                    os.rename(os.path.join(fleet, h + ".orig"), os.path.join(fleet, h))
        finally:
            server.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
