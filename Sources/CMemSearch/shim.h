#ifndef CMEMSEARCH_SHIM_H
#define CMEMSEARCH_SHIM_H
/// glibc declares memmem and memrchr only under _GNU_SOURCE, which Swift's Glibc module
/// does not set; these helpers expose them (glibc's vectorised byte search).
#define _GNU_SOURCE 1
#include <string.h>
#include <stddef.h>

/// glibc's memmem: first occurrence of needle in haystack, or NULL.
static inline const void *cmemsearch_memmem(const void *haystack, size_t haystack_len,
                                            const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}

/// glibc's memrchr: last occurrence of byte c in s[0..<n], or NULL.
static inline const void *cmemsearch_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}
#endif
