#ifndef CLzma_SHIM_H
#define CLzma_SHIM_H
#include <stdio.h>
#include <lzma.h>
#endif
