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
     restored from the manifest; and streamed through FIFOs at those paths instead.
Exits 1 with the difference on the first mismatch.
"""
import json, os, shutil, sqlite3, subprocess, sys, tempfile

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
