#ifndef CZstd_SHIM_H
#define CZstd_SHIM_H
#include <stdio.h>
#include <zstd.h>
#endif
