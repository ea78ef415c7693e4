"""failscan on Dask: `failscan map` per shard on the workers, `failscan reduce` of every
ledger, the same output as one `failscan jails` over all the files."""

from .driver import Shard, SourceFile, load_manifest, map_shard, pack, reduce_ledgers, run

__all__ = ["Shard", "SourceFile", "load_manifest", "map_shard", "pack", "reduce_ledgers", "run"]
__version__ = "0.1.0"
