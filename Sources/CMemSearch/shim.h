#ifndef CMEMSEARCH_SHIM_H
#define CMEMSEARCH_SHIM_H
/// glibc declares memmem and memrchr only under _GNU_SOURCE, which Swift's Glibc module
/// does not set; these helpers expose them. The rest of this header is a Teddy searcher
/// (the SIMD multi-literal algorithm of Hyperscan and ripgrep), because Swift's SIMD
/// types cannot express the byte shuffle (pshufb) it is built on.
#define _GNU_SOURCE 1
#include <string.h>
#include <stddef.h>
#include <stdint.h>

/// glibc's memmem: first occurrence of needle in haystack, or NULL.
static inline const void *cmemsearch_memmem(const void *haystack, size_t haystack_len,
                                            const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}

/// glibc's memrchr: last occurrence of byte c in s[0..<n], or NULL.
static inline const void *cmemsearch_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The time-stamp counter (rdtsc): a few nanoseconds to read where clock_gettime takes
/// about twenty, so that timing every regex search (`regex --costs`) does not drown what
/// it measures. Constant-rate on every x86-64 CPU this runs on (constant_tsc).
static inline uint64_t cmemsearch_ticks(void) { return __rdtsc(); }

#define CMEMSEARCH_TEDDY_MAX_NEEDLES 64
#define CMEMSEARCH_TEDDY_MAX_BYTES 4096

/// A Teddy searcher: up to 64 needles of at least 3 bytes in 8 buckets; the first three
/// bytes of every needle are its fingerprint. Filled by cmemsearch_teddy_add.
typedef struct {
    uint8_t lo[3][16];          ///< bucket bits by low nibble, per fingerprint byte
    uint8_t hi[3][16];          ///< bucket bits by high nibble, per fingerprint byte
    uint16_t offset[CMEMSEARCH_TEDDY_MAX_NEEDLES];
    uint16_t length[CMEMSEARCH_TEDDY_MAX_NEEDLES];
    uint8_t bucket[CMEMSEARCH_TEDDY_MAX_NEEDLES];
    uint8_t in_bucket[8];                                   ///< needles per bucket
    uint8_t bucket_needles[8][CMEMSEARCH_TEDDY_MAX_NEEDLES]; ///< their numbers, in order added
    uint32_t count;
    uint32_t used;
    uint32_t min_length;
    uint8_t data[CMEMSEARCH_TEDDY_MAX_BYTES];
} cmemsearch_teddy;

/// Whether this CPU has SSSE3 (every x86-64 CPU since 2006 does).
static inline int cmemsearch_teddy_supported(void) { return __builtin_cpu_supports("ssse3"); }

/// Adds a needle to `bucket` (0...7). Returns 0 when it does not fit or is too short.
static inline int cmemsearch_teddy_add(cmemsearch_teddy *t, const uint8_t *needle, uint32_t length, uint32_t bucket) {
    if (length < 3 || t->count >= CMEMSEARCH_TEDDY_MAX_NEEDLES || t->used + length > CMEMSEARCH_TEDDY_MAX_BYTES || bucket > 7) return 0;
    memcpy(t->data + t->used, needle, length);
    t->offset[t->count] = (uint16_t)t->used;
    t->length[t->count] = (uint16_t)length;
    t->bucket[t->count] = (uint8_t)bucket;
    t->bucket_needles[bucket][t->in_bucket[bucket]++] = (uint8_t)t->count;
    if (t->count == 0 || length < t->min_length) t->min_length = length;
    t->used += length;
    t->count += 1;
    for (int i = 0; i < 3; i++) {
        t->lo[i][needle[i] & 0x0f] |= (uint8_t)(1u << bucket);
        t->hi[i][needle[i] >> 4] |= (uint8_t)(1u << bucket);
    }
    return 1;
}

/// Whether a[0..<n] == b[0..<n], for the short needles of the searchers: 8 bytes a load
/// and an overlapping last load, inline (memcmp, called per candidate, took 5% of a tune
/// over mail logs).
static inline int cmemsearch_equal(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x, y, z, w;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&z, a + n - 4, 4);
        memcpy(&w, b + n - 4, 4);
        return x == y && z == w;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) return 0;
    }
    return 1;
}

/// Whether needle `n` occurs at `at` (bounds checked by the caller).
static inline int cmemsearch_teddy_verify(const cmemsearch_teddy *t, uint32_t n, const uint8_t *at) {
    return cmemsearch_equal(at, t->data + t->offset[n], t->length[n]);
}

/// Checks every needle of the buckets in `bits` at position `pos`. Without `owners`: 1 at
/// the first needle there, else 0. With `owners` (a bit mask per needle): the union of
/// the masks of every needle there (several may start at one position).
static inline uint32_t cmemsearch_teddy_check(const cmemsearch_teddy *t, const uint32_t *owners, const uint8_t *hay, size_t len,
                                              size_t pos, uint32_t bits) {
    uint32_t found = 0;
    bits &= 0xffu;
    while (bits) {
        const uint32_t b = (uint32_t)__builtin_ctz(bits);
        bits &= bits - 1;
        for (uint32_t k = 0; k < t->in_bucket[b]; k++) {
            const uint32_t n = t->bucket_needles[b][k];
            if (pos + t->length[n] <= len && cmemsearch_teddy_verify(t, n, hay + pos)) {
                if (!owners) return 1;
                found |= owners[n];
            }
        }
    }
    return found;
}

__attribute__((target("ssse3")))
static inline __m128i cmemsearch_teddy_bits(const cmemsearch_teddy *t, int i, __m128i chunk, __m128i nibble) {
    __m128i lo = _mm_and_si128(chunk, nibble);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(chunk, 4), nibble);
    __m128i lomask = _mm_loadu_si128((const __m128i *)t->lo[i]);
    __m128i himask = _mm_loadu_si128((const __m128i *)t->hi[i]);
    return _mm_and_si128(_mm_shuffle_epi8(lomask, lo), _mm_shuffle_epi8(himask, hi));
}

/// The offset of the first needle occurrence in hay[from..<len], or -1. With `owners`,
/// `*found` is the union of the owner masks of the needles at that offset.
__attribute__((target("ssse3")))
static inline long cmemsearch_teddy_scan(const cmemsearch_teddy *t, const uint32_t *owners, const uint8_t *hay, size_t len,
                                         size_t from, uint32_t *found) {
    if (t->count == 0) return -1;
    const __m128i nibble = _mm_set1_epi8(0x0f);
    size_t p = from;
    uint32_t f;
    while (p + 18 <= len) {
        __m128i c0 = _mm_loadu_si128((const __m128i *)(hay + p));
        __m128i c1 = _mm_loadu_si128((const __m128i *)(hay + p + 1));
        __m128i c2 = _mm_loadu_si128((const __m128i *)(hay + p + 2));
        __m128i res = _mm_and_si128(cmemsearch_teddy_bits(t, 0, c0, nibble),
                      _mm_and_si128(cmemsearch_teddy_bits(t, 1, c1, nibble), cmemsearch_teddy_bits(t, 2, c2, nibble)));
        uint32_t lanes = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(res, _mm_setzero_si128())) ^ 0xffffu;
        while (lanes) {
            int j = __builtin_ctz(lanes);
            lanes &= lanes - 1;
            uint8_t bits = ((const uint8_t *)&res)[j];
            if ((f = cmemsearch_teddy_check(t, owners, hay, len, p + (size_t)j, bits))) {
                if (found) *found = f;
                return (long)(p + (size_t)j);
            }
        }
        p += 16;
    }
    for (; p + 3 <= len; p++) {
        if ((f = cmemsearch_teddy_check(t, owners, hay, len, p, 0xffu))) {
            if (found) *found = f;
            return (long)p;
        }
    }
    return -1;
}

/// The offset of the first needle occurrence in hay[from..<len], or -1.
static inline long cmemsearch_teddy_find(const cmemsearch_teddy *t, const uint8_t *hay, size_t len, size_t from) {
    return cmemsearch_teddy_scan(t, NULL, hay, len, from, NULL);
}

__attribute__((target("avx2")))
static inline __m256i cmemsearch_teddy_bits256(const cmemsearch_teddy *t, int i, __m256i chunk, __m256i nibble) {
    __m256i lo = _mm256_and_si256(chunk, nibble);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(chunk, 4), nibble);
    __m256i lomask = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t->lo[i]));
    __m256i himask = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t->hi[i]));
    return _mm256_and_si256(_mm256_shuffle_epi8(lomask, lo), _mm256_shuffle_epi8(himask, hi));
}

/// The same search 32 bytes at a time (AVX2: the nibble tables in both 128-bit lanes).
__attribute__((target("avx2")))
static inline long cmemsearch_teddy_scan_avx2(const cmemsearch_teddy *t, const uint32_t *owners, const uint8_t *hay, size_t len,
                                              size_t from, uint32_t *found) {
    if (t->count == 0) return -1;
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    size_t p = from;
    uint32_t f;
    while (p + 34 <= len) {
        __m256i c0 = _mm256_loadu_si256((const __m256i *)(hay + p));
        __m256i c1 = _mm256_loadu_si256((const __m256i *)(hay + p + 1));
        __m256i c2 = _mm256_loadu_si256((const __m256i *)(hay + p + 2));
        __m256i res = _mm256_and_si256(cmemsearch_teddy_bits256(t, 0, c0, nibble),
                      _mm256_and_si256(cmemsearch_teddy_bits256(t, 1, c1, nibble), cmemsearch_teddy_bits256(t, 2, c2, nibble)));
        uint32_t lanes = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(res, _mm256_setzero_si256()));
        while (lanes) {
            int j = __builtin_ctz(lanes);
            lanes &= lanes - 1;
            uint8_t bits = ((const uint8_t *)&res)[j];
            if ((f = cmemsearch_teddy_check(t, owners, hay, len, p + (size_t)j, bits))) {
                if (found) *found = f;
                return (long)(p + (size_t)j);
            }
        }
        p += 32;
    }
    return cmemsearch_teddy_scan(t, owners, hay, len, p, found);
}

/// The first needle occurrence, 32 bytes at a time.
__attribute__((target("avx2")))
static inline long cmemsearch_teddy_find_avx2(const cmemsearch_teddy *t, const uint8_t *hay, size_t len, size_t from) {
    return cmemsearch_teddy_scan_avx2(t, NULL, hay, len, from, NULL);
}

/// Whether this CPU has AVX2.
static inline int cmemsearch_teddy_avx2_supported(void) { return __builtin_cpu_supports("avx2"); }

/* Whether any byte of s[0..n) is at or above 0x80 or in 0x1C-0x1F: where matching bytes
   and fail2ban's matching of decoded text can part (16 bytes a step; SSE2 is baseline). */
/// The first candidate start in h[i..<i+16] where the needle (first byte, last byte at
/// `last`) occurs in full, or NULL.
static inline const void *cmemsearch_find_short_block(const uint8_t *h, size_t i, const uint8_t *n, size_t last,
                                                      __m128i first_byte, __m128i last_byte) {
    __m128i a = _mm_loadu_si128((const __m128i *)(h + i));
    __m128i b = _mm_loadu_si128((const __m128i *)(h + i + last));
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first_byte), _mm_cmpeq_epi8(b, last_byte)));
    while (mask) {
        unsigned bit = (unsigned)__builtin_ctz(mask);
        if (cmemsearch_equal(h + i + bit + 1, n + 1, last - 1)) return h + i + bit;
        mask &= mask - 1;
    }
    return NULL;
}

/// First occurrence of needle in a short haystack (a line), or NULL: the needle's first
/// and last bytes compared 16 positions at a time, candidates checked in full. No
/// set-up per call, unlike glibc's memmem (two-way), which a gate pays on every line.
static inline const void *cmemsearch_find_short(const void *haystack, size_t haystack_len,
                                                const void *needle, size_t needle_len) {
    const uint8_t *h = (const uint8_t *)haystack, *n = (const uint8_t *)needle;
    if (needle_len == 0) return h;
    if (needle_len > haystack_len) return NULL;
    if (needle_len == 1) return memchr(h, n[0], haystack_len);
    const size_t last = needle_len - 1, end = haystack_len - last; /* candidate starts < end */
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i first_byte = _mm_set1_epi8((char)n[0]), last_byte = _mm_set1_epi8((char)n[last]);
    for (; i + 16 <= end; i += 16) {
        const void *found = cmemsearch_find_short_block(h, i, n, last, first_byte, last_byte);
        if (found) return found;
    }
    /* The last candidates in one block that overlaps the one before (the positions both
     * cover did not match): no byte-by-byte tail. */
    if (i < end && end >= 16) return cmemsearch_find_short_block(h, end - 16, n, last, first_byte, last_byte);
#endif
    for (; i < end; i++) {
        if (h[i] == n[0] && h[i + last] == n[last] && cmemsearch_equal(h + i + 1, n + 1, last - 1)) return h + i;
    }
    return NULL;
}

/* Newlines in s[0..<n], 32 bytes a step: equal bytes are -1, subtracted into byte counters
 * that are summed (_mm256_sad_epu8) before any can pass 255. */
__attribute__((target("avx2")))
static inline size_t cmemsearch_count_newlines_avx2(const uint8_t *s, size_t n) {
    const __m256i newline = _mm256_set1_epi8(10), zero = _mm256_setzero_si256();
    __m256i total = zero;
    size_t i = 0;
    while (i + 32 <= n) {
        __m256i counters = zero;
        size_t stop = i + 32 * 255 < n ? i + 32 * 255 : n;
        for (; i + 32 <= stop; i += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
            counters = _mm256_sub_epi8(counters, _mm256_cmpeq_epi8(v, newline));
        }
        total = _mm256_add_epi64(total, _mm256_sad_epu8(counters, zero));
    }
    size_t count = (size_t)_mm256_extract_epi64(total, 0) + (size_t)_mm256_extract_epi64(total, 1) +
                   (size_t)_mm256_extract_epi64(total, 2) + (size_t)_mm256_extract_epi64(total, 3);
    for (; i < n; i++) count += s[i] == 10;
    return count;
}

/// How many newline bytes s[0..<n] holds, 32 or 16 bytes at a time (line numbers for every
/// failure: a memchr per line costs a call per line of ~100 bytes).
static inline size_t cmemsearch_count_newlines(const uint8_t *s, size_t n) {
    if (n >= 64 && __builtin_cpu_supports("avx2")) return cmemsearch_count_newlines_avx2(s, n);
    size_t i = 0, count = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8(10);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        count += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)));
    }
#endif
    for (; i < n; i++) count += s[i] == 10;
    return count;
}

/* Whether s[0..<n] is valid UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF): ASCII runs skipped 16 bytes a step, each other sequence checked as Python's
 * decoder does. */
static inline int cmemsearch_valid_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
#if defined(__SSE2__)
        while (i + 16 <= n && _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + i))) == 0) i += 16;
        if (i >= n) break;
#endif
        const uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint8_t low = 0x80, high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) need = 2, low = 0xA0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) need = 2;
        else if (c == 0xED) need = 2, high = 0x9F;
        else if (c == 0xF0) need = 3, low = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) need = 3, high = 0x8F;
        else return 0;
        if (n - i <= need) return 0;
        if (s[i + 1] < low || s[i + 1] > high) return 0;
        for (size_t k = 2; k <= need; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        }
        i += need + 1;
    }
    return 1;
}

/* The offset of the last newline in s[0..<n], or -1: 16 bytes a step from the end (a
 * candidate's literal may sit some way into its line). */
static inline long cmemsearch_last_newline(const uint8_t *s, size_t n) {
    size_t i = n;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8(10);
    while (i >= 16) {
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i - 16)), newline));
        if (mask) return (long)(i - 16) + 31 - __builtin_clz(mask);
        i -= 16;
    }
#endif
    while (i > 0) {
        i--;
        if (s[i] == 10) return (long)i;
    }
    return -1;
}

static inline int cmemsearch_needs_unicode(const uint8_t *s, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i base = _mm_set1_epi8(0x1C), three = _mm_set1_epi8(3);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i d = _mm_sub_epi8(v, base);
        __m128i in = _mm_cmpeq_epi8(_mm_max_epu8(d, three), three); /* v - 0x1C <= 3 */
        if (_mm_movemask_epi8(v) | _mm_movemask_epi8(in)) return 1;
    }
    if (i < n && n >= 16) {
        /* The last bytes in one block that overlaps the one before: no byte-by-byte tail. */
        __m128i v = _mm_loadu_si128((const __m128i *)(s + n - 16));
        __m128i d = _mm_sub_epi8(v, base);
        __m128i in = _mm_cmpeq_epi8(_mm_max_epu8(d, three), three);
        return (_mm_movemask_epi8(v) | _mm_movemask_epi8(in)) != 0;
    }
#endif
    for (; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 0x80 || (c >= 0x1C && c <= 0x1F)) return 1;
    }
    return 0;
}
#endif
#if !defined(__x86_64__)
#include <time.h>
/// Elsewhere, nanoseconds from the monotonic clock.
static inline uint64_t cmemsearch_ticks(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
#endif
#endif
