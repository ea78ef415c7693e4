"""The driver: shards to `failscan map` tasks, their ledgers to one `failscan reduce` task.

A shard is the files of one host (a rotated set stays in one shard: multi-line filters read
it in order). Each file has a source (a local path, or s3://bucket/key) and the path the
jail configuration's logpath names it by; the map runs on the worker that fetched it, at
that path, with the file's original modification time restored (in object storage the
modification time is the upload time, and the year of dates without one comes from it).
"""

import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from typing import Dict, List, Optional, Sequence, Tuple


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One log file of a shard."""

    source: str
    """A local path, or s3://bucket/key."""
    path: Optional[str] = None
    """Where the map reads it: the name the configuration's logpath gives it (default: the
    source itself, for a local file)."""
    mtime: Optional[int] = None
    """Its original modification time (Unix seconds), restored after fetching."""


@dataclasses.dataclass(frozen=True)
class Shard:
    name: str
    files: Tuple[SourceFile, ...]


def load_manifest(path: str) -> List[Shard]:
    """A manifest: {"shards": {"NAME": [{"source": ..., "path": ..., "mtime": ...}, ...]}}."""
    with open(path) as f:
        data = json.load(f)
    shards = []
    for name, files in sorted(data["shards"].items()):
        shards.append(Shard(name, tuple(SourceFile(x["source"], x.get("path"), x.get("mtime")) for x in files)))
    return shards


def _fetch(file: SourceFile, s3: Optional[dict]) -> str:
    """The local path of `file`, downloaded there first when it is in object storage."""
    if not file.source.startswith("s3://"):
        if file.path and os.path.abspath(file.path) != os.path.abspath(file.source):
            os.makedirs(os.path.dirname(file.path) or ".", exist_ok=True)
            shutil.copyfile(file.source, file.path)
        local = file.path or file.source
    else:
        import boto3  # only needed for object storage

        if not file.path:
            raise ValueError("%s: a file in object storage needs the path the configuration names it by" % file.source)
        bucket, _, key = file.source[len("s3://"):].partition("/")
        client = boto3.client("s3", **(s3 or {}))
        os.makedirs(os.path.dirname(file.path) or ".", exist_ok=True)
        client.download_file(bucket, key, file.path)
        local = file.path
    if file.mtime is not None:
        os.utime(local, (file.mtime, file.mtime))
    return local


def _stream(file: SourceFile, s3: Optional[dict]) -> "threading.Thread":
    """A FIFO at the path the configuration names, fed from object storage by a thread:
    the file never lands on the worker's disk (failscan reads FIFOs whole)."""
    import threading

    import boto3

    if not file.path:
        raise ValueError("%s: a file in object storage needs the path the configuration names it by" % file.source)
    os.makedirs(os.path.dirname(file.path) or ".", exist_ok=True)
    if os.path.lexists(file.path):
        os.remove(file.path)
    os.mkfifo(file.path, 0o600)
    if file.mtime is not None:
        os.utime(file.path, (file.mtime, file.mtime))
    bucket, _, key = file.source[len("s3://"):].partition("/")
    body = boto3.client("s3", **(s3 or {})).get_object(Bucket=bucket, Key=key)["Body"]

    def feed():
        with open(file.path, "wb") as pipe:  # blocks until failscan opens it
            for chunk in body.iter_chunks(1 << 20):
                pipe.write(chunk)

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def map_shard(shard: Shard, config: str, partitions: int, failscan: str = "failscan",
              s3: Optional[dict] = None, extra: Sequence[str] = (), stream: bool = False) -> List[Tuple[str, bytes]]:
    """Runs `failscan map` on one shard; returns its ledgers (file name, bytes). With
    `stream`, files in object storage are streamed through FIFOs instead of downloaded."""
    feeders = []
    paths = []
    for f in shard.files:
        if stream and f.source.startswith("s3://"):
            feeders.append(_stream(f, s3))
            paths.append(f.path)
        else:
            paths.append(_fetch(f, s3))
    try:
        with tempfile.TemporaryDirectory(prefix="failscan-map-") as out:
            cmd = [failscan, "map", "--config", config, "--partitions", str(partitions), "--out", out,
                   "--shard", shard.name] + list(extra) + paths
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode not in (0, 1):
                raise RuntimeError("failscan map of shard %s failed (%d): %s" % (shard.name, done.returncode, done.stderr))
            ledgers = []
            for line in done.stdout.splitlines():
                with open(line, "rb") as f:
                    ledgers.append((os.path.basename(line), f.read()))
            return ledgers
    finally:
        for thread in feeders:
            thread.join(timeout=60)
        if stream:
            for f in shard.files:
                if f.source.startswith("s3://") and f.path and os.path.exists(f.path) and not os.path.isfile(f.path):
                    os.remove(f.path)


def reduce_ledgers(ledgers: Sequence[Sequence[Tuple[str, bytes]]], config: str, output_format: str,
                   failscan: str = "failscan", extra: Sequence[str] = ()) -> bytes:
    """Runs `failscan reduce` on every shard's ledgers; returns the output's bytes (a
    database's too: the caller writes them where it wants, not on the worker)."""
    with tempfile.TemporaryDirectory(prefix="failscan-reduce-") as work:
        paths = []
        for shard in ledgers:
            for name, data in shard:
                path = os.path.join(work, name)
                with open(path, "wb") as f:
                    f.write(data)
                paths.append(path)
        output = os.path.join(work, "output")
        cmd = [failscan, "reduce", "--config", config, "--format", output_format, "--output", output] + list(extra)
        done = subprocess.run(cmd + sorted(paths), capture_output=True)
        if done.returncode not in (0, 1):
            raise RuntimeError("failscan reduce failed (%d): %s" % (done.returncode, done.stderr.decode(errors="replace")))
        with open(output, "rb") as f:
            return f.read()


def pack(shards: Sequence[Shard], tasks: int) -> List[Shard]:
    """`shards` packed into at most `tasks` shards (each a few hosts' files, together about
    the same size): a map process costs a start-up (compiling the filters), so fewer,
    larger maps cost less. Files stay whole and in one shard; hosts' multi-line ids carry
    their host names, so packing changes nothing in the output."""
    if tasks >= len(shards):
        return list(shards)

    def size(shard):
        total = 0
        for f in shard.files:
            try:
                total += os.path.getsize(f.path or f.source)
            except OSError:
                total += 1
        return total

    bins = [[] for _ in range(tasks)]
    loads = [0] * tasks
    for shard in sorted(shards, key=size, reverse=True):
        k = loads.index(min(loads))
        bins[k].append(shard)
        loads[k] += size(shard)
    packed = []
    for group in bins:
        if group:
            group.sort(key=lambda s: s.name)
            name = group[0].name if len(group) == 1 else "%s+%d" % (group[0].name, len(group) - 1)
            packed.append(Shard(name, tuple(f for s in group for f in s.files)))
    return packed


def run(client, shards: Sequence[Shard], config: str, partitions: int, output_format: str,
        failscan: str = "failscan", s3: Optional[dict] = None,
        map_options: Sequence[str] = (), reduce_options: Sequence[str] = (), tasks: Optional[int] = None,
        stream: bool = False) -> bytes:
    """Maps every shard on the cluster `client` (a dask.distributed Client), then reduces
    their ledgers in one task; returns the output's bytes. `tasks`: pack the shards into at
    most this many maps (default: two per worker thread). `stream`: stream objects through
    FIFOs at the configured paths instead of downloading them."""
    if tasks is None:
        tasks = 2 * max(1, sum(client.nthreads().values()))
    run_id = uuid.uuid4().hex[:8]
    maps = [client.submit(map_shard, shard, config, partitions, failscan, s3, tuple(map_options), stream,
                          key="failscan-map-%s-%s" % (shard.name, run_id), pure=False) for shard in pack(shards, tasks)]
    reduced = client.submit(reduce_ledgers, maps, config, output_format, failscan, tuple(reduce_options),
                            key="failscan-reduce-%s" % run_id, pure=False)
    return reduced.result()
