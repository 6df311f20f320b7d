/*
 * cmd_fill.c - mmscan fill: a range of a file set to one byte, in place,
 * all or nothing.
 */
#include "config.h"
#include "cli/edit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The range is read this much at a time to find the pages that change:
 * small enough to stay in the CPU cache between the copy and the compare. */
#define READ_PIECE ((size_t)64 << 10)
/* Unchanged bytes between two changed pages shorter than this are written
 * too, so that the edits stay few; a hole between them never is. */
#define KEEP_GAP ((uint64_t)64 << 10)

static const char fill_help[] =
    "Usage: mmscan fill [OPTIONS] FILE OFFSET LENGTH BYTE\n"
    "Set LENGTH bytes of FILE from OFFSET on to BYTE, in place, all or nothing.\n"
    "OFFSET and LENGTH are decimal, 0xHEX, or sizes with a K, M, G or T suffix\n"
    "(powers of 1024); the range must lie inside FILE.  BYTE is a number 0-255\n"
    "(decimal or 0xHH) or one non-digit character.  Only the pages that hold\n"
    "another byte when FILE is read before the edit are written (and stretches\n"
    "under 64 KiB between them, but no hole): a range that already holds BYTE\n"
    "everywhere is not written at all, and a fill with 0 leaves the holes of\n"
    "a sparse file as they are.  The old bytes go to the undo journal\n"
    "(compressed), so a large range of varied data makes a large one.  The\n"
    "lock keeps other mmscan edits out, not other programs' writes.\n"
    "\n"
    "Examples:\n"
    "  mmscan fill disk.img 0 1M 0          # zero the first MiB\n"
    "  mmscan fill --dry-run big.log 0x200 16 ' '\n"
    "\n"
    "Exit status: 0 on success, 2 on an error (FILE is then unchanged).\n"
    "\n";

typedef struct fill_request {
    uint64_t offset, length;
    unsigned char byte;
} fill_request;

/* The changed pages found so far, as fill edits of runs of them. */
typedef struct fill_runs {
    const fill_request *f;
    const char *path;
    int fd;
    mms_edits *edits;
    uint64_t begin, end; /* the run being built; begin == end: none */
} fill_runs;

static int add_run(fill_runs *r)
{
    mms_error err;
    if (r->begin == r->end)
        return CLI_OK;
    if (mms_edits_add_fill(r->edits, r->begin, r->end - r->begin, r->f->byte, &err) == 0)
        return CLI_OK;
    cli_error_path("fill", r->path, &err);
    return CLI_ERROR;
}

/* Whether the file has a hole in [begin, end) (no SEEK_HOLE here: no). */
static bool has_hole(int fd, uint64_t begin, uint64_t end)
{
    off_t hole = lseek(fd, (off_t)begin, SEEK_HOLE);
    return hole >= 0 && (uint64_t)hole < end;
}

/* [begin, end), within one page, holds another byte than BYTE.  The run
 * goes on over the unchanged bytes since its end, if few and no hole (only
 * looked for when there are some: most pages follow a changed one). */
static int page_changes(fill_runs *r, uint64_t begin, uint64_t end)
{
    if (r->begin != r->end && begin - r->end < KEEP_GAP &&
        (begin == r->end || !has_hole(r->fd, r->end, begin))) {
        r->end = end;
        return CLI_OK;
    }
    int rc = add_run(r);
    r->begin = begin;
    r->end = end;
    return rc;
}

/* Whether n >= 1 bytes at p all are byte. */
static bool all_are(const unsigned char *p, size_t n, unsigned char byte)
{
    return p[0] == byte && memcmp(p, p + 1, n - 1) == 0;
}

/* Reads n bytes at offset at into buf. */
static int read_piece(const fill_runs *r, unsigned char *buf, uint64_t at, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(r->fd, buf + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            cli_error("fill", "'%s': cannot read at offset %llu: %s", r->path,
                      (unsigned long long)(at + done), got < 0 ? strerror(errno) : "the file shrank");
            return CLI_ERROR;
        }
        done += (size_t)got;
    }
    return CLI_OK;
}

/* Where the next bytes to look at begin: with a fill of 0, past a hole
 * (it reads as zeros already); end when only holes follow. */
static uint64_t skip_hole(const fill_runs *r, uint64_t at, uint64_t end)
{
    if (r->f->byte != 0 || at >= end)
        return at;
    off_t data = lseek(r->fd, (off_t)at, SEEK_DATA);
    if (data < 0)
        return errno == ENXIO ? end : at; /* ENXIO: no data after at; else no SEEK_DATA here */
    return (uint64_t)data < end ? (uint64_t)data : end;
}

/* Adds fill edits for the runs of pages of the range that change. */
static int add_changed_runs(fill_runs *r)
{
    const fill_request *f = r->f;
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), end = f->offset + f->length;
    unsigned char *buf = malloc(READ_PIECE);
    if (!buf) {
        cli_error("fill", "out of memory");
        return CLI_ERROR;
    }
    int rc = CLI_OK;
    for (uint64_t at = skip_hole(r, f->offset, end); rc == CLI_OK && at < end;) {
        uint64_t piece_end = at / page * page + READ_PIECE; /* pieces end on pages */
        if (piece_end > end)
            piece_end = end;
        rc = read_piece(r, buf, at, (size_t)(piece_end - at));
        for (uint64_t p = at; rc == CLI_OK && p < piece_end;) {
            uint64_t page_end = (p / page + 1) * page;
            if (page_end > piece_end)
                page_end = piece_end;
            if (!all_are(buf + (p - at), (size_t)(page_end - p), f->byte))
                rc = page_changes(r, p, page_end);
            p = page_end;
        }
        at = skip_hole(r, piece_end, end);
    }
    free(buf);
    return rc == CLI_OK ? add_run(r) : rc;
}

static int add_fill(void *ctx, const char *path, mms_edit_file *file, mms_edits *edits)
{
    const fill_request *f = ctx;
    int fd = mms_edit_fd(file);
    fill_runs runs = {.f = f, .path = path, .fd = fd, .edits = edits};
    struct stat st;
    /* A range past the end (the library refuses it) or with nothing to
     * change is one edit, which the summary reports as such. */
    bool inside = fstat(fd, &st) == 0 && f->length <= (uint64_t)st.st_size &&
                  f->offset <= (uint64_t)st.st_size - f->length;
    int rc = inside ? add_changed_runs(&runs) : CLI_OK;
    if (rc == CLI_OK && mms_edits_count(edits) == 0) {
        runs.begin = f->offset;
        runs.end = f->offset + f->length;
        rc = add_run(&runs);
    }
    return rc;
}

int cmd_fill(int argc, char **argv)
{
    edit_settings s;
    bool done;
    int status = edit_parse_options("fill", fill_help, argc, argv, &s, &done);
    if (done)
        return status;
    if (argc - optind != 4)
        return cli_usage_error("fill", "FILE, OFFSET, LENGTH and BYTE are needed");
    fill_request f;
    char **arg = argv + optind;
    if (edit_parse_offset("fill", "OFFSET", arg[1], &f.offset) != CLI_OK ||
        edit_parse_offset("fill", "LENGTH", arg[2], &f.length) != CLI_OK ||
        edit_parse_byte("fill", "BYTE", arg[3], &f.byte) != CLI_OK)
        return CLI_ERROR;
    if (f.length == 0)
        return cli_usage_error("fill", "LENGTH: a fill of 0 bytes changes nothing");
    return edit_run("fill", arg[0], &s, add_fill, &f);
}
