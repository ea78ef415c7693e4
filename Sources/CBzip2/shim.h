#ifndef CBzip2_SHIM_H
#define CBzip2_SHIM_H
#include <stdio.h>
#include <bzlib.h>
#endif
