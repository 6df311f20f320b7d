/*
 * cmd_fill.c - mmscan fill: a range of a file set to one byte, in place,
 * all or nothing.
 */
#include "config.h"
#include "cli/edit.h"

static const char fill_help[] =
    "Usage: mmscan fill [OPTIONS] FILE OFFSET LENGTH BYTE\n"
    "Set LENGTH bytes of FILE from OFFSET on to BYTE, in place, all or nothing.\n"
    "OFFSET and LENGTH are decimal, 0xHEX, or sizes with a K, M, G or T suffix\n"
    "(powers of 1024); the range must lie inside FILE.  BYTE is a number 0-255\n"
    "(decimal or 0xHH) or one non-digit character.  A range that already holds\n"
    "BYTE everywhere is not written at all.  The old bytes go to the undo\n"
    "journal (compressed), so a large range of varied data makes a large one.\n"
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

static int add_fill(void *ctx, const char *path, mms_edit_file *file, mms_edits *edits)
{
    (void)file;
    const fill_request *f = ctx;
    mms_error err;
    if (mms_edits_add_fill(edits, f->offset, f->length, f->byte, &err) < 0) {
        cli_error_path("fill", path, &err);
        return CLI_ERROR;
    }
    return CLI_OK;
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
