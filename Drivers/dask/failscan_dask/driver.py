"""The driver: shards to `failscan map` tasks, their ledgers to one `failscan reduce` task.

A shard is the files of one host (a rotated set stays in one shard: multi-line filters read
it in order). Each file has a source (a local path, or s3://bucket/key) and the path the
jail configuration's logpath names it by; the map runs on the worker that fetched it, at
that path, with the file's original modification time restored (in object storage the
modification time is the upload time, and the year of dates without one comes from it).

A shard may also be a whole host's system: a restored copy (`root`, mapped with
`failscan map --root` on any worker), or a host's own logs (`on_host`), mapped on the
worker that host runs: the one offering the resource `failscan-host-NAME`.
"""

import dataclasses
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import uuid
from typing import Dict, List, Optional, Sequence, Tuple

# What `failscan reduce --format` takes (checked before any map runs).
FORMATS = ("list", "json", "csv", "iptables", "ip6tables", "ipset", "nft", "firewalld", "crowdsec", "crowdsec-json", "fail2ban-db",
           "sqlite", "html")


class FailscanError(Exception):
    """failscan failed on a worker: its exit status (negative: the signal that killed it) and
    what it wrote on standard error."""

    def __init__(self, what: str, status: int, stderr: str):
        self.what = what
        self.status = status
        self.stderr = stderr
        if status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = "signal %d" % -status
            how = "was killed by %s" % name
        else:
            how = "exited %d" % status
        self.summary = "%s %s" % (what, how)
        super().__init__("%s%s" % (self.summary, (": " + stderr.strip()) if stderr.strip() else ""))

    def __reduce__(self):  # raised on a worker, pickled back to the client
        return (FailscanError, (self.what, self.status, self.stderr))


@dataclasses.dataclass
class Result:
    """What a run gave: the output's bytes, failscan's warnings (every map's and the
    reduce's standard error) and the exit status to end with (0, or 1 when some input could
    not be read completely)."""
    output: bytes
    warnings: List[str]
    status: int
    stderr: str = ""
    """The reduce's standard error when it failed."""
    maps: int = 0
    """How many maps ran."""
    ledgers: int = 0
    """How many ledgers they wrote."""
    jails: Dict[str, Tuple[int, int]] = dataclasses.field(default_factory=dict)
    """Per jail: the failures counted and the addresses banned (the reduce's `--stats`)."""

    @property
    def failures(self) -> int:
        return sum(f for f, _ in self.jails.values())

    @property
    def banned(self) -> int:
        """Addresses banned, summed over the jails (an address banned by two jails counts twice)."""
        return sum(b for _, b in self.jails.values())

    def summary(self, shards: int, output: str) -> str:
        """The line the command prints when it succeeds."""
        return "failscan_dask: %d shard%s in %d map%s, %d ledger%s; %d jail%s: %d failure%s, %d address%s banned; %s" % (
            shards, "" if shards == 1 else "s", self.maps, "" if self.maps == 1 else "s", self.ledgers,
            "" if self.ledgers == 1 else "s", len(self.jails), "" if len(self.jails) == 1 else "s", self.failures,
            "" if self.failures == 1 else "s", self.banned, "" if self.banned == 1 else "es", output)

    def check(self) -> None:
        """Raises the reduce's failure."""
        if self.status not in (0, 1):
            raise FailscanError("failscan reduce", self.status, self.stderr)


def check_shard_name(name: str) -> None:
    """A shard's name is part of its ledgers' file names (NAME.pK-of-P.ledger.zst)."""
    if (not name or "/" in name or name.startswith(".") or len(name.encode()) > 200
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)):
        raise ValueError("shard %r: a name of 1 to 200 bytes, without / or control characters, not starting with a dot"
                         % name)


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
    """One host's logs: files, a restored copy of its system, or its own system."""

    name: str
    files: Tuple[SourceFile, ...] = ()
    root: Optional[str] = None
    """Map it with `failscan map --root ROOT`: a restored system or a mounted image (its
    files, when given, are under ROOT; none: every jail's logpath and journal in ROOT)."""
    on_host: bool = False
    """Map it on the worker of host NAME, the one offering the resource
    ``host_resource(NAME)``, over that worker's own system: ROOT when given, else the
    worker's FAILSCAN_ROOT environment variable, else /."""


def host_resource(name: str) -> str:
    """The Dask worker resource that marks the worker of host `name` (`dask worker
    --resources failscan-host-NAME=1`)."""
    return "failscan-host-" + name


def load_manifest(path: str) -> List[Shard]:
    """A manifest: {"shards": {"NAME": [{"source": ..., "path": ..., "mtime": ...}, ...]}}."""
    with open(path) as f:
        data = json.load(f)
    shards = []
    for name, files in sorted(data["shards"].items()):
        shards.append(Shard(name, tuple(SourceFile(x["source"], x.get("path"), x.get("mtime")) for x in files)))
    return shards


def _place(file: SourceFile, write) -> None:
    """Puts a fetched file at `file.path` without replacing anything there: written to a new
    temporary file beside it (O_EXCL), then linked into place (link(2) fails on an existing
    name, a planted symbolic link included). A file already at a configured path is the
    worker's own (its live log, say): the driver refuses instead of overwriting it."""
    directory = os.path.dirname(file.path) or "."
    os.makedirs(directory, exist_ok=True)
    if os.path.lexists(file.path):
        raise FileExistsError("%s: a file is already there on the worker; the driver does not replace files it did not "
                              "fetch (remove it, or map that host where its logs are)" % file.path)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".failscan-fetch-")
    try:
        os.close(fd)
        write(temporary)
        if file.mtime is not None:
            os.utime(temporary, (file.mtime, file.mtime))
        os.link(temporary, file.path)
    finally:
        os.unlink(temporary)


def _fetch(file: SourceFile, s3: Optional[dict]) -> Tuple[str, bool]:
    """The local path of `file`, copied or downloaded there first when it is elsewhere, and
    whether the driver put it there (to be removed after the map)."""
    if not file.source.startswith("s3://"):
        if not file.path or os.path.abspath(file.path) == os.path.abspath(file.source):
            if file.mtime is not None:
                os.utime(file.source, (file.mtime, file.mtime))
            return file.source, False
        _place(file, lambda temporary: shutil.copyfile(file.source, temporary))
        return file.path, True
    import boto3  # only needed for object storage

    if not file.path:
        raise ValueError("%s: a file in object storage needs the path the configuration names it by" % file.source)
    bucket, _, key = file.source[len("s3://"):].partition("/")
    client = boto3.client("s3", **(s3 or {}))
    _place(file, lambda temporary: client.download_file(bucket, key, temporary))
    return file.path, True


def _stream(file: SourceFile, s3: Optional[dict]) -> "threading.Thread":
    """A FIFO at the path the configuration names, fed from object storage by a thread:
    the file never lands on the worker's disk (failscan reads FIFOs whole). mkfifo fails on
    an existing name: nothing at the path is replaced."""
    import threading

    import boto3

    if not file.path:
        raise ValueError("%s: a file in object storage needs the path the configuration names it by" % file.source)
    os.makedirs(os.path.dirname(file.path) or ".", exist_ok=True)
    try:
        os.mkfifo(file.path, 0o600)
    except FileExistsError:
        raise FileExistsError("%s: a file is already there on the worker; the driver does not replace it" % file.path)
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


@dataclasses.dataclass
class MapResult:
    """One map: its ledgers (file name, bytes), what failscan wrote on standard error, its
    exit status (negative: the signal that killed it), and the driver's own error on the
    worker (a file it would not replace, say), if any. Failures are returned, not raised:
    the client reports them once, without a worker's traceback."""
    shard: str
    ledgers: List[Tuple[str, bytes]]
    stderr: str
    status: int
    error: Optional[str] = None
    root: Optional[str] = None
    """The root the map read (`--root`), if any."""

    def check(self) -> None:
        """Raises what went wrong."""
        if self.error is not None:
            raise DriverError("shard %s: %s" % (self.shard, self.error))
        if self.status not in (0, 1):
            raise FailscanError("failscan map of shard %s" % self.shard, self.status, self.stderr)


class DriverError(Exception):
    """The driver refused to do something on a worker."""


def map_shard(shard: Shard, config: str, partitions: int, failscan: str = "failscan",
              s3: Optional[dict] = None, extra: Sequence[str] = (), stream: bool = False) -> MapResult:
    """Runs `failscan map` on one shard. With `stream`, files in object storage are streamed
    through FIFOs instead of downloaded. What the driver put on the worker (fetched files,
    FIFOs) is removed afterwards."""
    feeders = []
    paths = []
    placed = []
    try:
        check_shard_name(shard.name)
        for f in shard.files:
            if stream and f.source.startswith("s3://"):
                feeders.append(_stream(f, s3))
                placed.append(f.path)
                paths.append(f.path)
            else:
                path, fetched = _fetch(f, s3)
                if fetched:
                    placed.append(path)
                paths.append(path)
        root = shard.root
        if shard.on_host and root is None:
            root = os.environ.get("FAILSCAN_ROOT") or "/"
        with tempfile.TemporaryDirectory(prefix="failscan-map-") as out:
            cmd = [failscan, "map", "--config", config, "--partitions", str(partitions), "--out", out,
                   "--shard", shard.name] + (["--root", root] if root else []) + list(extra) + paths
            done = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
            ledgers = []
            if done.returncode in (0, 1):
                for line in done.stdout.splitlines():
                    with open(line, "rb") as f:
                        ledgers.append((os.path.basename(line), f.read()))
            return MapResult(shard.name, ledgers, done.stderr, done.returncode, root=root)
    except (OSError, ValueError) as e:
        return MapResult(shard.name, [], "", 0, str(e))
    finally:
        for thread in feeders:
            thread.join(timeout=60)
        for path in placed:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def reduce_ledgers(maps: Sequence[MapResult], config: str, output_format: str,
                   failscan: str = "failscan", extra: Sequence[str] = ()) -> Result:
    """Runs `failscan reduce` on every shard's ledgers; returns the output's bytes (a
    database's too: the caller writes them where it wants, not on the worker), the maps' and
    the reduce's warnings, and the exit status to end with (failscan's status and standard
    error when the reduce fails: ``Result.check`` raises it)."""
    with tempfile.TemporaryDirectory(prefix="failscan-reduce-") as work:
        paths = []
        warnings = [m.stderr for m in maps if m.stderr.strip()]
        status = max([0] + [m.status for m in maps])
        for m in maps:
            for name, data in m.ledgers:
                path = os.path.join(work, name)
                with open(path, "wb") as f:
                    f.write(data)
                paths.append(path)
        output = os.path.join(work, "output")
        asked = "--stats" in extra
        cmd = [failscan, "reduce", "--config", config, "--format", output_format, "--output", output] + list(extra)
        done = subprocess.run(cmd + ([] if asked else ["--stats"]) + sorted(paths), capture_output=True)
        stderr = done.stderr.decode(errors="replace")
        if done.returncode not in (0, 1):
            return Result(b"", warnings, done.returncode, stderr)
        jails, rest = _statistics(stderr)
        if asked:
            rest = stderr
        if rest.strip():
            warnings.append(rest)
        with open(output, "rb") as f:
            return Result(f.read(), warnings, max(status, done.returncode), maps=len(maps),
                          ledgers=sum(len(m.ledgers) for m in maps), jails=jails)


# failscan's `--stats` lines: the run's, one per jail, the year rule.
_RUN_LINE = re.compile(r"^failscan: \d+ file\(s\), [0-9.]+ MB in ")
_JAIL_LINE = re.compile(r"^failscan: \[(.*)\] \d+ file\(s\), \d+ candidate line\(s\), (\d+) failure\(s\), \d+ address\(es\), "
                        r"(\d+) banned, ")
_YEAR_LINE = re.compile(r"^failscan: year of dates without one: ")


def _statistics(stderr: str) -> Tuple[Dict[str, Tuple[int, int]], str]:
    """The jails' failures and bans from failscan's `--stats` lines, and the rest of
    standard error (its warnings)."""
    jails = {}
    rest = []
    for line in stderr.splitlines(keepends=True):
        match = _JAIL_LINE.match(line)
        if match:
            jails[match.group(1)] = (int(match.group(2)), int(match.group(3)))
        elif not (_RUN_LINE.match(line) or _YEAR_LINE.match(line)):
            rest.append(line)
    return jails, "".join(rest)


def pack(shards: Sequence[Shard], tasks: int) -> List[Shard]:
    """`shards` packed into at most `tasks` shards (each a few hosts' files, together about
    the same size): a map process costs a start-up (compiling the filters), so fewer,
    larger maps cost less. Files stay whole and in one shard; hosts' multi-line ids carry
    their host names, so packing changes nothing in the output."""
    whole = [s for s in shards if s.root is not None or s.on_host]  # a map of its own each
    shards = [s for s in shards if s.root is None and not s.on_host]
    if tasks >= len(shards):
        return whole + list(shards)

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
    return whole + packed


def run(client, shards: Sequence[Shard], config: str, partitions: int, output_format: str,
        failscan: str = "failscan", s3: Optional[dict] = None,
        map_options: Sequence[str] = (), reduce_options: Sequence[str] = (), tasks: Optional[int] = None,
        stream: bool = False) -> bytes:
    """Maps every shard on the cluster `client` (a dask.distributed Client), then reduces
    their ledgers in one task; returns the output's bytes (``run_detailed`` also gives the
    warnings and the exit status)."""
    return run_detailed(client, shards, config, partitions, output_format, failscan, s3, map_options,
                        reduce_options, tasks, stream).output


def run_detailed(client, shards: Sequence[Shard], config: str, partitions: int, output_format: str,
                 failscan: str = "failscan", s3: Optional[dict] = None,
                 map_options: Sequence[str] = (), reduce_options: Sequence[str] = (), tasks: Optional[int] = None,
                 stream: bool = False) -> Result:
    """Maps every shard on the cluster `client`, then reduces their ledgers in one task.
    `tasks`: pack the shards into at most this many maps (default: two per worker thread).
    `stream`: stream objects through FIFOs at the configured paths instead of downloading
    them. The format and the shards' names are checked before any map runs.
    Raises ValueError for those, FailscanError when a map or the reduce fails, DriverError
    when the driver refused something on a worker."""
    if output_format not in FORMATS:
        raise ValueError("--format %s: not a failscan output format (%s)" % (output_format, ", ".join(FORMATS)))
    for shard in shards:
        check_shard_name(shard.name)
    hosts = [s.name for s in shards if s.on_host]
    if hosts:
        # A host's map waits for its worker: one that no worker offers would wait forever.
        offered = set()
        for worker in client.scheduler_info(n_workers=-1)["workers"].values():
            offered.update(name for name, amount in (worker.get("resources") or {}).items() if amount >= 1)
        missing = [name for name in hosts if host_resource(name) not in offered]
        if missing:
            raise DriverError("no worker offers host %s: start each host's worker with `dask worker SCHEDULER --resources "
                              "%s=1` (or `--ssh` with the host in its list)"
                              % (", ".join(missing), host_resource(missing[0])))
    if tasks is None:
        tasks = 2 * max(1, sum(client.nthreads().values()))
    run_id = uuid.uuid4().hex[:8]
    maps = [client.submit(map_shard, shard, config, partitions, failscan, s3, tuple(map_options), stream,
                          key="failscan-map-%s-%s" % (shard.name, run_id), pure=False,
                          resources={host_resource(shard.name): 1} if shard.on_host else None)
            for shard in pack(shards, tasks)]
    # Each map's outcome checked here (a failed map stops the run before the reduce); the
    # ledgers stay on the workers, handed to the reduce as futures.
    for future in maps:
        future.result().check()
    reduced = client.submit(reduce_ledgers, maps, config, output_format, failscan, tuple(reduce_options),
                            key="failscan-reduce-%s" % run_id, pure=False)
    result = reduced.result()
    result.check()
    return result


def ssh_spec(hosts: Sequence[str], connect_options: Optional[dict] = None, worker_options: Optional[dict] = None):
    """The scheduler and worker specifications of ``ssh_cluster``: `SSHCluster`'s, each
    worker given the resource of its host (``host_resource``), so that a shard
    ``on_host`` named as the host is mapped there."""
    from distributed.deploy.ssh import Scheduler, Worker

    connect = connect_options or {}
    scheduler = {"cls": Scheduler, "options": {"address": hosts[0], "connect_options": connect,
                                               "kwargs": {"dashboard_address": None}}}
    workers = {}
    for index, host in enumerate(hosts[1:]):
        options = dict(worker_options or {})
        options["resources"] = dict(options.get("resources") or {}, **{host_resource(host): 1})
        workers[index] = {"cls": Worker, "options": {"address": host, "connect_options": connect, "kwargs": options,
                                                     "worker_class": "distributed.Nanny"}}
    return scheduler, workers


def ssh_cluster(hosts: Sequence[str], connect_options: Optional[dict] = None, worker_options: Optional[dict] = None):
    """`dask.distributed.SSHCluster` over `hosts` (the scheduler's first), whose worker on
    each host offers that host's resource: `Shard(host, on_host=True)` maps a host's own
    logs on that host."""
    from distributed import SpecCluster

    scheduler, workers = ssh_spec(hosts, connect_options, worker_options)
    return SpecCluster(workers, scheduler, name="SSHCluster")


def write_output(path: str, data: bytes) -> None:
    """Writes `data` to `path` as failscan writes its outputs: a new temporary file beside
    it (O_EXCL, an unpredictable name), then renamed into place. A symbolic link at `path`
    is followed only when the kernel's protected_symlinks rule would follow it (it is the
    writer's own, or its owner owns the directory); a replaced file keeps its mode and owner,
    a new one gets the umask's mode."""
    target = path
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    if link is not None and stat.S_ISLNK(link.st_mode):
        directory = os.stat(os.path.dirname(os.path.abspath(path)))
        if link.st_uid not in (os.geteuid(), directory.st_uid):
            raise PermissionError("%s: a symbolic link owned by uid %d in a directory owned by uid %d: not followed "
                                  "(the kernel's protected_symlinks rule; name the file it points to)"
                                  % (path, link.st_uid, directory.st_uid))
        target = os.path.realpath(path)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError("%s: is a directory" % path)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "wb") as f:  # a FIFO or a device: written as it is
            f.write(data)
        return
    directory = os.path.dirname(target) or "."
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if existing is not None:
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(f.fileno(), existing.st_uid, existing.st_gid)
                    except PermissionError:
                        pass
                os.fchmod(f.fileno(), stat.S_IMODE(existing.st_mode))
            else:
                mask = os.umask(0o022)
                os.umask(mask)
                os.fchmod(f.fileno(), 0o666 & ~mask)
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
