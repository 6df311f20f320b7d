/*
 * progress.c - the progress bar every scanning command shares, drawn on
 * stderr from the engine's progress reports.
 *
 * Reports come from the scan threads, so the bar is behind a lock; a
 * window report that finds the lock taken is dropped (another thread is
 * drawing).  Drawing is rate-limited to five times a second.
 */
#include "config.h"
#include "cli/cli.h"

#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define FIRST_DRAW_AFTER 1.0 /* seconds, when not forced: short scans draw nothing */
#define DRAW_INTERVAL 0.2    /* seconds between draws */
#define BAR_WIDTH 24

typedef struct progress_bar {
    pthread_mutex_t lock;
    bool forced;       /* --progress: draw from the start, even off a terminal */
    bool terminal;     /* stderr is a terminal: redraw in place, erase at the end */
    bool drawn;        /* this scan has drawn */
    double start;      /* when this scan started */
    double last_draw;
} progress_bar;

static progress_bar the_bar = {.lock = PTHREAD_MUTEX_INITIALIZER};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes bytes as "512 B", "1.5 KiB", ..., "3.2 TiB". */
static void format_size(char *out, size_t size, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    unsigned u = 0;
    while (bytes >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024;
        u++;
    }
    snprintf(out, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

/* The columns of the terminal on stderr, or 0 when unknown. */
static size_t terminal_columns(void)
{
    struct winsize size;
    return ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

/* The progress line into line (without the bar of cells unless with_bar). */
static void format_line(char *line, size_t size, uint64_t done, uint64_t total, double rate,
                        bool with_bar)
{
    char done_text[32], total_text[32], rate_text[32], cells[BAR_WIDTH + 4] = "";
    format_size(done_text, sizeof done_text, (double)done);
    format_size(rate_text, sizeof rate_text, rate);
    if (total == 0) {
        snprintf(line, size, "%s  %s/s", done_text, rate_text);
        return;
    }
    if (with_bar) {
        unsigned filled = (unsigned)((double)done / (double)total * BAR_WIDTH);
        cells[0] = '[';
        for (unsigned i = 0; i < BAR_WIDTH; i++)
            cells[1 + i] = i < filled ? '#' : '.';
        memcpy(cells + 1 + BAR_WIDTH, "] ", 3);
    }
    format_size(total_text, sizeof total_text, (double)total);
    int len = snprintf(line, size, "%s%3u%%  %s / %s  %s/s", cells,
                       (unsigned)((double)done * 100 / (double)total), done_text, total_text,
                       rate_text);
    if (rate > 0 && done < total && len > 0 && (size_t)len < size) {
        unsigned long eta = (unsigned long)((double)(total - done) / rate + 0.5);
        snprintf(line + len, size - (size_t)len, "  ETA %lu:%02lu:%02lu", eta / 3600,
                 eta / 60 % 60, eta % 60);
    }
}

static void draw(progress_bar *bar, uint64_t done, uint64_t total, double now)
{
    double elapsed = now - bar->start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char line[160];
    format_line(line, sizeof line, done, total, rate, true);
    if (bar->terminal) {
        /* A line as wide as the terminal would wrap, and each redraw would
         * leave a row behind: narrower, the bar goes, then the end. */
        size_t columns = terminal_columns();
        if (columns > 0 && strlen(line) >= columns)
            format_line(line, sizeof line, done, total, rate, false);
        if (columns > 0 && strlen(line) >= columns)
            line[columns - 1] = '\0';
    }
    /* \r: back to the start of the line; ESC [K: erase what is left of it. */
    fprintf(stderr, bar->terminal ? "\r%s\033[K" : "%s\n", line);
    bar->drawn = true;
    bar->last_draw = now;
}

static void report(void *ctx, mms_progress_event event, uint64_t done, uint64_t total)
{
    progress_bar *bar = ctx;
    double now = now_seconds();
    if (event == MMS_PROGRESS_WINDOW) {
        if (pthread_mutex_trylock(&bar->lock) != 0)
            return;
        if (now - bar->last_draw >= DRAW_INTERVAL &&
            (bar->forced || now - bar->start >= FIRST_DRAW_AFTER))
            draw(bar, done, total, now);
        pthread_mutex_unlock(&bar->lock);
        return;
    }
    pthread_mutex_lock(&bar->lock);
    if (event == MMS_PROGRESS_START) {
        bar->start = now;
        bar->drawn = false;
        bar->last_draw = 0;
        if (bar->forced)
            draw(bar, 0, total, now);
    } else {
        if (bar->drawn)
            draw(bar, done, total, now);
        if (bar->drawn && bar->terminal)
            fputs("\r\033[K", stderr); /* leave the line to the results */
        bar->drawn = false;
    }
    pthread_mutex_unlock(&bar->lock);
}

/* The bar to report to in mode, or NULL when none is to be drawn. */
static progress_bar *bar_for(cli_progress_mode mode)
{
    bool terminal = isatty(STDERR_FILENO);
    if (mode == CLI_PROGRESS_NEVER || (mode == CLI_PROGRESS_AUTO && !terminal))
        return NULL;
    the_bar.forced = mode == CLI_PROGRESS_ALWAYS;
    the_bar.terminal = terminal;
    return &the_bar;
}

void cli_progress_attach(mms_engine *engine, cli_progress_mode mode)
{
    progress_bar *bar = bar_for(mode);
    if (bar)
        mms_engine_set_progress(engine, report, bar);
}

void cli_progress_attach_gen(mms_gen *gen, cli_progress_mode mode)
{
    progress_bar *bar = bar_for(mode);
    if (bar)
        mms_gen_set_progress(gen, report, bar);
}
