"""failscan on Dask: `failscan map` per shard on the workers, `failscan reduce` of every
ledger, the same output as one `failscan jails` over all the files."""

from .driver import (FORMATS, DriverError, FailscanError, MapResult, Result, Shard, SourceFile, check_shard_name, load_manifest, map_shard, pack,
                     reduce_ledgers, run, run_detailed, write_output)

__all__ = ["Shard", "SourceFile", "load_manifest", "map_shard", "pack", "reduce_ledgers", "run"]
__version__ = "0.1.0"
