#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
#include <stdlib.h>
#include <string.h>
#include <isa-l/igzip_lib.h>
#include <isa-l.h>

/// `ISAL_VERSION` is a macro built from other macros, which Swift does not import.
static inline int cisal_version(void) { return ISAL_VERSION; }

/// `struct inflate_state` is large (about 40 KB) and holds an anonymous union; these
/// helpers keep it on the heap and expose the few fields Swift needs.
static inline struct inflate_state *cisal_inflate_new(void) {
    struct inflate_state *state = (struct inflate_state *)calloc(1, sizeof(struct inflate_state));
    if (state) {
        isal_inflate_init(state);
        state->crc_flag = ISAL_GZIP;
    }
    return state;
}

/// Frees a state from cisal_inflate_new.
static inline void cisal_inflate_free(struct inflate_state *state) { free(state); }

/// Prepares for the next gzip member (the CRC is checked per member).
static inline void cisal_inflate_reset(struct inflate_state *state) {
    isal_inflate_reset(state);
    state->crc_flag = ISAL_GZIP;
}

/// Inflates from `in` into `out`; reports how much of each was used and whether the
/// member (header, data and trailer) is complete. Returns ISA-L's code.
static inline int cisal_inflate(struct inflate_state *state, const uint8_t *in, uint32_t in_len,
                                uint8_t *out, uint32_t out_len,
                                uint32_t *consumed, uint32_t *produced, int *member_done) {
    state->next_in = (uint8_t *)in;
    state->avail_in = in_len;
    state->next_out = out;
    state->avail_out = out_len;
    int rc = isal_inflate(state);
    *consumed = in_len - state->avail_in;
    *produced = out_len - state->avail_out;
    *member_done = state->block_state == ISAL_BLOCK_FINISH;
    return rc;
}
#endif
