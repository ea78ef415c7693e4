"""failscan on Dask: `failscan map` per shard on the workers, `failscan reduce` of every
ledger, the same output as one `failscan jails` over all the files."""

from .driver import (FORMATS, DriverError, FailscanError, MapResult, Result, Shard, SourceFile, check_shard_name,
                     host_resource, load_manifest, map_shard, pack, reduce_ledgers, run, run_detailed, ssh_cluster, ssh_spec,
                     write_output)

__all__ = ["Shard", "SourceFile", "host_resource", "load_manifest", "map_shard", "pack", "reduce_ledgers", "run",
           "run_detailed", "ssh_cluster"]
__version__ = "0.1.0"
