/* zstd_totals.h - how mms_zstd_get_totals() (zstd_decompress.c) reaches the
 * compressor's totals.  Private to the library. */
#ifndef MMSCAN_ZSTD_TOTALS_H
#define MMSCAN_ZSTD_TOTALS_H

#include "internal.h"

/* The totals of a compressor, or NULL if proc is not one (zstd_compress.c). */
const mms_zstd_totals *mms_zstd_compress_totals(const mms_processor *proc);

#endif
