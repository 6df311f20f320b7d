/*
 * wc_scan.h - the vector kernels of the wc processor (private).
 */
#ifndef MMSCAN_WC_SCAN_H
#define MMSCAN_WC_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The word state of a run of bytes, in the C locale of GNU wc: white space
 * ends a word, a printable byte (0x21-0x7e) starts one unless it continues
 * one, and every other byte is transparent (neither starts nor ends one).
 */
typedef enum wc_class { WC_TRANSPARENT, WC_SPACE, WC_PRINT } wc_class;

static inline wc_class wc_class_of(unsigned char c)
{
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return WC_SPACE;
    return c > ' ' && c < 0x7f ? WC_PRINT : WC_TRANSPARENT;
}

typedef struct wc_words {
    uint64_t count;  /* word starts, counting as if the run followed space */
    bool in_word;    /* the last byte that was not transparent was printable */
} wc_words;

/* The class of the first byte of data[0 .. len) that is not transparent;
 * WC_TRANSPARENT when every byte is (a run of NUL bytes, say). */
wc_class wc_first_class(const unsigned char *data, size_t len);

/* The number of '\n' bytes in data[0 .. len). */
uint64_t wc_count_lines(const unsigned char *data, size_t len);

/* Adds the lines of data[0 .. len) to *lines and runs its words through *words. */
void wc_count_lines_words(const unsigned char *data, size_t len, uint64_t *lines,
                          wc_words *words);

/* As wc_count_lines_words() over nblocks whole 1 KiB blocks at data, which
 * start at a block edge of an input that XXH3 hashes: also writes the sum
 * of each block into sums, as xxh3_sum_blocks() would (xxh3_stream.h).
 * One pass over the data where the two would make two (with AVX2, built by
 * GCC; elsewhere the two in turn). */
void wc_count_summing_xxh3(const unsigned char *data, size_t nblocks, uint64_t *lines,
                           wc_words *words, uint64_t (*sums)[8]);

#endif
