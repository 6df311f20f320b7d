/*
 * xxh.c - the four xxHash algorithms behind one streaming interface:
 * libxxhash's XXH32 and XXH64 streams, the project's XXH3 and XXH128
 * streams (xxh3_stream.c), and libxxhash's one-call hashes with XXH3 and
 * XXH128 on the widest vector unit the CPU has.
 */
#include "config.h"
#include "internal.h"
#include "proc/xxh.h"

#include <stdlib.h>
#include <string.h>

#if defined(HAVE_XXH_X86DISPATCH_H) && defined(HAVE_XXH3_64BITS_DISPATCH)
/* Turns the XXH3 and XXH128 calls below into libxxhash's dispatch versions,
 * which pick SSE2, AVX2 or AVX-512 with cpuid on first use: the binary runs
 * on any x86-64 and uses the best unit of the CPU it runs on. */
#include <xxh_x86dispatch.h>
#endif

#define XXH_ALIGNMENT 64 /* a cache line */

bool xxh_known(mms_hash_algorithm algorithm)
{
    return algorithm == MMS_XXH32 || algorithm == MMS_XXH64 || algorithm == MMS_XXH128 ||
           algorithm == MMS_XXH3_64;
}

void *xxh_alloc(size_t size)
{
    size_t rounded = (size + XXH_ALIGNMENT - 1) / XXH_ALIGNMENT * XXH_ALIGNMENT;
    void *p = aligned_alloc(XXH_ALIGNMENT, rounded);
    if (p)
        memset(p, 0, rounded);
    return p;
}

void xxh_reset(xxh_stream *s, mms_hash_algorithm algorithm)
{
    s->algorithm = algorithm;
    switch (algorithm) {
    case MMS_XXH32:   XXH32_reset(&s->u.h32, 0); break;
    case MMS_XXH64:   XXH64_reset(&s->u.h64, 0); break;
    case MMS_XXH128:
    case MMS_XXH3_64: xxh3_reset(&s->u.h3); break;
    }
}

void xxh_update(xxh_stream *s, const void *data, size_t len)
{
    switch (s->algorithm) {
    case MMS_XXH32:   XXH32_update(&s->u.h32, data, len); break;
    case MMS_XXH64:   XXH64_update(&s->u.h64, data, len); break;
    case MMS_XXH128:
    case MMS_XXH3_64: xxh3_update(&s->u.h3, data, len); break;
    }
}

/* The canonical (big-endian) bytes of a hash value, as xxhsum prints them. */
static void digest_from32(XXH32_hash_t h, mms_hash_digest *out)
{
    XXH32_canonical_t c;
    XXH32_canonicalFromHash(&c, h);
    out->size = sizeof c.digest;
    memcpy(out->bytes, c.digest, sizeof c.digest);
}

static void digest_from64(XXH64_hash_t h, mms_hash_digest *out)
{
    XXH64_canonical_t c;
    XXH64_canonicalFromHash(&c, h);
    out->size = sizeof c.digest;
    memcpy(out->bytes, c.digest, sizeof c.digest);
}

static void digest_from128(XXH128_hash_t h, mms_hash_digest *out)
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    out->size = sizeof c.digest;
    memcpy(out->bytes, c.digest, sizeof c.digest);
}

void xxh_digest(const xxh_stream *s, mms_hash_digest *out)
{
    memset(out, 0, sizeof *out);
    out->algorithm = s->algorithm;
    switch (s->algorithm) {
    case MMS_XXH32:   digest_from32(XXH32_digest(&s->u.h32), out); break;
    case MMS_XXH64:   digest_from64(XXH64_digest(&s->u.h64), out); break;
    case MMS_XXH128:  digest_from128(xxh3_digest128(&s->u.h3), out); break;
    case MMS_XXH3_64: digest_from64(xxh3_digest64(&s->u.h3), out); break;
    }
}

void xxh_copy(xxh_stream *dst, const xxh_stream *src)
{
    dst->algorithm = src->algorithm;
    switch (src->algorithm) {
    case MMS_XXH32:   XXH32_copyState(&dst->u.h32, &src->u.h32); break;
    case MMS_XXH64:   XXH64_copyState(&dst->u.h64, &src->u.h64); break;
    case MMS_XXH128:
    case MMS_XXH3_64: dst->u.h3 = src->u.h3; break;
    }
}

void xxh_oneshot(mms_hash_algorithm algorithm, const void *data, size_t len,
                 mms_hash_digest *out)
{
    memset(out, 0, sizeof *out);
    out->algorithm = algorithm;
    switch (algorithm) {
    case MMS_XXH32:   digest_from32(XXH32(data, len, 0), out); break;
    case MMS_XXH64:   digest_from64(XXH64(data, len, 0), out); break;
    case MMS_XXH128:  digest_from128(XXH3_128bits(data, len), out); break;
    case MMS_XXH3_64: digest_from64(XXH3_64bits(data, len), out); break;
    }
}
