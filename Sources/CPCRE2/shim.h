#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H

/// PCRE2's header refuses to compile until the code-unit width is chosen; failscan
/// works on bytes, so it uses the 8-bit library (libpcre2-8).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/// `PCRE2_UNSET` is a cast expression, which Swift does not import.
static inline PCRE2_SIZE cpcre2_unset(void) { return PCRE2_UNSET; }

/// `PCRE2_ZERO_TERMINATED` is a cast expression, which Swift does not import.
static inline PCRE2_SIZE cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }

#endif
