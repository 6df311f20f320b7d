/*
 * memory-read.c - how fast this machine reads memory, with 1 and 2 threads.
 *
 * A benchmark aid for scripts/bench-hash: hashing a file in page cache can
 * go no faster than its pages can be read, so this prints that ceiling.
 * Each thread reads its share of a 1 GiB buffer (written first, so that
 * every page is backed), 64 bytes per step; the best of five rounds.
 *
 *   cc -O2 -pthread -o memory-read scripts/memory-read.c && ./memory-read
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUFFER_BYTES ((size_t)1 << 30)
#define ROUNDS 5

typedef struct share {
    const uint64_t *begin, *end;
} share;

static void *read_share(void *arg)
{
    const share *s = arg;
    for (const uint64_t *p = s->begin; p < s->end; p += 8) {
        uint64_t a = p[0], b = p[4];
        /* Keep the loads: the compiler may not drop what it cannot see used. */
        __asm__ volatile("" : : "r"(a), "r"(b));
    }
    return NULL;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    uint64_t *buffer = malloc(BUFFER_BYTES);
    if (!buffer) {
        fprintf(stderr, "memory-read: out of memory\n");
        return 2;
    }
    memset(buffer, 0x5a, BUFFER_BYTES);
    size_t words = BUFFER_BYTES / sizeof *buffer;
    for (unsigned nthreads = 1; nthreads <= 2; nthreads++) {
        double best = 0;
        for (int round = 0; round < ROUNDS; round++) {
            pthread_t threads[2];
            share shares[2];
            double start = seconds();
            for (unsigned t = 0; t < nthreads; t++) {
                shares[t] = (share){buffer + words / nthreads * t, buffer + words / nthreads * (t + 1)};
                if (pthread_create(&threads[t], NULL, read_share, &shares[t]) != 0) {
                    fprintf(stderr, "memory-read: cannot start a thread\n");
                    return 2;
                }
            }
            for (unsigned t = 0; t < nthreads; t++)
                pthread_join(threads[t], NULL);
            double rate = (double)BUFFER_BYTES / (seconds() - start) / (1 << 30);
            if (rate > best)
                best = rate;
        }
        printf("%u %.2f\n", nthreads, best);
    }
    free(buffer);
    return 0;
}
