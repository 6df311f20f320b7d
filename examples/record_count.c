/*
 * record_count.c - a processor of your own: count the records of a binary
 * format with fixed-size records, on every thread, in one pass.
 *
 * The format: 20-byte records, each "REC1", a 32-bit little-endian type and
 * a 12-byte payload.  The program prints how many records there are of
 * each type, how many lack the magic, and the bytes left after the last
 * whole record.
 *
 *     record_count FILE [WINDOW]
 *
 * WINDOW (e.g. 4K) sets the window size, to see records cut by windows.
 * How it works: a window edge may cut a record, so the processor asks for
 * an overlap of 19 bytes (RECORD - 1): a record is then whole in the chunk
 * where it ends, and each chunk counts the records that end in its new
 * bytes.  The counts of parts add up, so the processor is splittable.
 */
#include <mmscan.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD 20
#define TYPES 8

typedef struct records {
    uint64_t by_type[TYPES]; /* types 0 to 7 */
    uint64_t other_type;
    uint64_t bad_magic;
    uint64_t bytes;          /* new bytes seen */
} records;

static size_t records_overlap(const void *self)
{
    (void)self;
    return RECORD - 1;
}

static int records_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    (void)err;
    records *r = self;
    uint64_t first_new = c->offset + c->overlap, end = c->offset + c->len;
    r->bytes += end - first_new;
    /* Every record whose last byte is new here; its first byte is in data. */
    for (uint64_t at = first_new / RECORD * RECORD; at + RECORD <= end; at += RECORD) {
        const unsigned char *rec = c->data + (at - c->offset);
        if (memcmp(rec, "REC1", 4) != 0) {
            r->bad_magic++;
            continue;
        }
        uint32_t type = (uint32_t)rec[4] | (uint32_t)rec[5] << 8 | (uint32_t)rec[6] << 16 |
                        (uint32_t)rec[7] << 24;
        if (type < TYPES)
            r->by_type[type]++;
        else
            r->other_type++;
    }
    return 0;
}

static void *records_split(const void *self)
{
    (void)self;
    return calloc(1, sizeof(records));
}

static int records_merge(void *self, void *part, mms_error *err)
{
    (void)err;
    records *r = self;
    const records *p = part;
    for (int t = 0; t < TYPES; t++)
        r->by_type[t] += p->by_type[t];
    r->other_type += p->other_type;
    r->bad_magic += p->bad_magic;
    r->bytes += p->bytes;
    return 0;
}

static const mms_processor_ops records_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "records",
    .flags = MMS_PROC_SPLITTABLE,
    .overlap = records_overlap,
    .chunk = records_chunk,
    .split = records_split,
    .merge = records_merge,
    .destroy = free,
};

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: record_count FILE [WINDOW]\n");
        return 2;
    }
    mms_error err;
    mms_engine *engine = NULL;
    mms_processor *proc = NULL;
    records *state = calloc(1, sizeof *state);
    int rc = state ? mms_processor_new(&proc, &records_ops, state, &err) : MMS_ENOMEM;
    if (rc == 0)
        rc = mms_engine_new(&engine, &err);
    uint64_t window;
    if (rc == 0 && argc == 3 && (rc = mms_parse_size(argv[2], &window, &err)) == 0)
        rc = mms_engine_set_window(engine, window, &err);
    if (rc == 0)
        rc = mms_engine_add(engine, proc, &err);
    if (rc == 0)
        rc = mms_engine_scan_path(engine, argv[1], &err);
    if (rc < 0) {
        fprintf(stderr, "record_count: %s: %s\n", argv[1], state ? err.message : "out of memory");
    } else {
        const records *r = mms_processor_state(proc);
        for (int t = 0; t < TYPES; t++)
            if (r->by_type[t])
                printf("type %d: %" PRIu64 "\n", t, r->by_type[t]);
        printf("other types: %" PRIu64 "\n", r->other_type);
        printf("bad magic: %" PRIu64 "\n", r->bad_magic);
        printf("trailing bytes: %" PRIu64 "\n", r->bytes % RECORD);
    }
    mms_engine_free(engine);
    mms_processor_free(proc);
    return rc < 0 ? 2 : 0;
}
