/*
 * mmscan.h - the public interface of libmmscan.
 *
 * libmmscan makes one pass over a file of any size, including files much
 * larger than RAM, through a sliding window of memory maps, and feeds every
 * window to the processors attached to an engine.  This header is the whole
 * public interface and its manual.
 *
 * Conventions
 * - Every name starts with mms_ (types, functions) or MMS_ (macros).
 * - Handles are opaque.  Each mms_X_new() has an mms_X_free(), and every
 *   mms_X_free() accepts NULL.
 * - Functions that can fail return int: 0 on success, a negative MMS_E* code
 *   on failure.  The codes are stable.  When the caller passes an mms_error,
 *   the failing function fills it with the code, the errno of the system call
 *   that failed (if any) and a one-line message.  mms_error may be NULL.
 * - The library never prints and never exits.  It installs exactly one signal
 *   handler, for SIGBUS (see "SIGBUS" below).
 * - Thread safety: distinct handles may be used on distinct threads at the
 *   same time; one handle must not be used by two threads at once.
 *
 * A minimal program:
 *
 *     mms_error err;
 *     mms_engine *engine = NULL;
 *     mms_processor *wc = NULL;
 *     mms_wc_counts counts;
 *     if (mms_engine_new(&engine, &err) < 0 ||
 *         mms_wc_new(&wc, MMS_WC_LINES, &err) < 0 ||
 *         mms_engine_add(engine, wc, &err) < 0 ||
 *         mms_engine_scan_path(engine, "big.log", &err) < 0)
 *         fprintf(stderr, "big.log: %s\n", err.message);
 *     else if (mms_wc_get_counts(wc, &counts) == 0)
 *         printf("%llu lines\n", (unsigned long long)counts.lines);
 *     mms_engine_free(engine);
 *     mms_processor_free(wc);
 */
#ifndef MMSCAN_H
#define MMSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MMS_API __attribute__((visibility("default")))
#else
#define MMS_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

/** The version of the library the program runs with, e.g. "0.1.0". */
MMS_API const char *mms_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/** Error codes.  Negative, stable across releases; new codes are appended. */
enum {
    MMS_OK = 0,
    MMS_EINVAL = -1,     /**< an argument is out of range or malformed */
    MMS_ENOMEM = -2,     /**< memory allocation failed */
    MMS_EOPEN = -3,      /**< the input could not be opened (see sys_errno) */
    MMS_EISDIR = -4,     /**< the input is a directory */
    MMS_EIO = -5,        /**< read, map, stat or sync failed (see sys_errno) */
    MMS_ETRUNCATED = -6, /**< the file shrank while it was being scanned */
    MMS_ETHREAD = -7,    /**< a thread could not be started */
    MMS_EABI = -8,       /**< a processor table has an unknown abi value */
    MMS_EPROC = -9,      /**< a processor reported a failure of its own */
    MMS_EBUSY = -10,     /**< the handle is in use (e.g. attached twice) */
    MMS_ECORRUPT = -11,  /**< compressed input is not in its format, corrupt or cut short */
    MMS_ELOCKED = -12,   /**< another process is editing the file (advisory lock) */
    MMS_EREADONLY = -13, /**< the file or its file system is read-only */
    MMS_ESYMLINK = -14,  /**< the path is a symbolic link and links are not followed */
    MMS_EJOURNAL = -15,  /**< an undo journal is invalid, foreign or unfinished */
    MMS_EMISMATCH = -16, /**< the file does not hold the bytes it was expected to */
};

/** The size of mms_error.message, terminating NUL included. */
#define MMS_ERROR_MESSAGE_SIZE 256

/**
 * Where a failure is described.  The caller owns it (usually on the stack);
 * a failing function overwrites all its fields, a succeeding one leaves it
 * untouched.
 */
typedef struct mms_error {
    int code;       /**< the MMS_E* code the function returned */
    int sys_errno;  /**< errno of the failing system call, 0 if none */
    uint64_t offset; /**< file offset concerned, or UINT64_MAX if none */
    /** One line, no path, no trailing newline, e.g. "No such file or
     *  directory" or "file shrank to 4096 bytes while being scanned". */
    char message[MMS_ERROR_MESSAGE_SIZE];
} mms_error;

/** A static description of an MMS_E* code ("unknown error" otherwise). */
MMS_API const char *mms_strerror(int code);

/** Resets err to "no error" (code 0, empty message).  Accepts NULL. */
MMS_API void mms_error_clear(mms_error *err);

/* ------------------------------------------------------------------------ */
/* Sizes                                                                     */
/* ------------------------------------------------------------------------ */

/**
 * Parses a size such as "4096", "64K", "1.5G" or "2T" (suffixes K, M, G, T,
 * P are powers of 1024, upper or lower case, optionally followed by "iB" or
 * "B").  Leading and trailing blanks are refused.
 * @param text  the text to parse
 * @param out   receives the size in bytes
 * @return 0, or MMS_EINVAL for junk, a negative number or an overflow.
 */
MMS_API int mms_parse_size(const char *text, uint64_t *out, mms_error *err);

/* ------------------------------------------------------------------------ */
/* Processors                                                                */
/* ------------------------------------------------------------------------ */

/**
 * One window of input as a processor sees it.
 *
 * data[overlap .. len) are new bytes; data[0 .. overlap) are the input bytes
 * just before them, already given as new bytes in an earlier chunk (of this
 * part or, at the start of a part, of the part before; see
 * MMS_PROC_SPLITTABLE).  overlap is what the processor asked for, or less
 * near the start of the input.  Invariants: overlap < len; every byte of the
 * input is given as a new byte exactly once.  Something up to overlap + 1
 * bytes long that crosses a window edge is therefore seen whole, in the
 * chunk where it ends.
 */
typedef struct mms_chunk {
    const unsigned char *data; /**< the bytes; valid during the call only */
    size_t len;                /**< number of bytes at data */
    uint64_t offset;           /**< input offset of data[0] */
    size_t overlap;            /**< leading bytes already seen */
} mms_chunk;

/** The value of mms_processor_ops.abi for tables written against this header. */
#define MMS_PROCESSOR_ABI 4

/**
 * The processor needs the input in order: one chunk after the other, never
 * two at once.  When other processors share the scan and more than one
 * thread is allowed, it is a lane of its own (see mms_engine_scan_path()):
 * consecutive chunks may then come from different threads, one at a time,
 * each call finished before the next begins.  A processor with neither
 * flag is a lane too.
 */
#define MMS_PROC_ORDERED    (1u << 0)
/**
 * The processor can work on several contiguous parts of the input at once.
 * With more than one thread allowed, the engine cuts the input into
 * contiguous parts; the first part is fed to self, every later part to its
 * own state, made by split() in input order.  Each part's chunks come in
 * order, on one thread per part; when a part is done the engine calls
 * part_end() (if any) on that part's thread, and it calls merge(self, part)
 * for every later part in input order, after that part's part_end(): self
 * always covers the input just before part.
 *
 * Parts are made, fed and merged as the scan goes, in input order: a
 * part is made before the part just before it is fed, and merged once it
 * and the part after it have ended, so only a few parts exist at any time
 * (at most two per thread and one more) and a part may keep something for
 * every byte it sees.  When every processor is splittable, the parts are
 * runs of whole windows (of whole units when a processor asks for them,
 * see part_unit): one per thread, or of about 32 MiB each (one window or
 * unit each when those are larger) when the input is larger; each
 * thread takes the next part when it is done with one.  In a scan with lanes (an ordered processor beside it), every
 * window is a part (of every splittable processor at once).
 */
#define MMS_PROC_SPLITTABLE (1u << 1)
/** The processor changes the bytes it is given (reserved for edits). */
#define MMS_PROC_WRITES     (1u << 2)

/**
 * What chunk() returns when the processor needs no more input (grep -q
 * after its first match, say).  The engine then gives that state no more
 * chunks.  Once every processor attached is done, the engine stops reading
 * the input.  In a scan cut into parts, once every state of one part is
 * done, it stops reading that part only; once every splittable processor
 * has had a part done (and, in a scan with lanes, every lane is done), no
 * part after the last of those is read (its processor wants no input past
 * it; the parts made by then still go through).  In a scan with lanes, a
 * part is one window.  Nothing else
 * changes: part_end(), merge() and finish() are called as usual and the
 * scan succeeds; mms_scan_info then counts only what was read.  A
 * processor that never returns it sees no difference.  (The table's abi is
 * unchanged: a table of any abi may return it.)
 */
#define MMS_PROC_DONE 1

/**
 * The table of functions that makes a processor.  Fill it with designated
 * initializers in a static const object.  The table only ever grows by
 * appending members; abi tells the engine which members exist.
 *
 * Every function that returns int returns 0 (chunk() also MMS_PROC_DONE)
 * or a negative MMS_E* code and, on failure, fills err (MMS_EPROC for
 * failures of the processor's own).  err is never NULL; a failure that
 * leaves it unset reaches the caller as "processor 'NAME' failed and gave
 * no reason".  A failure stops the scan; the engine then calls no other
 * member but part_end() (failed true, for the parts made) and destroy()
 * (for part states): finish() is not called.
 */
typedef struct mms_processor_ops {
    /** MMS_PROCESSOR_ABI when the table was written. */
    unsigned abi;
    /** A short lowercase name ("wc", "xxh64"), for messages. */
    const char *name;
    /** MMS_PROC_* flags. */
    unsigned flags;
    /** Bytes of the previous chunk to repeat at the start of the next one
     *  (see mms_chunk.overlap).  NULL means 0.  Any size, even more than a
     *  window: the engine maps (or, for a stream, keeps) that many bytes
     *  before each window's new ones, so memory grows with it. */
    size_t (*overlap)(const void *self);
    /** Consumes one chunk.  Required.  Besides 0 and a negative code, it
     *  may return MMS_PROC_DONE: the processor's result is decided and it
     *  wants no more input (see MMS_PROC_DONE). */
    int (*chunk)(void *self, const mms_chunk *chunk, mms_error *err);
    /** SPLITTABLE only: a new, empty state with self's settings, or NULL
     *  when out of memory.  Always called on self, the state given to
     *  mms_processor_new() (never on a part), in input order.  It may run
     *  while other states of the processor, self included, are fed or
     *  merged on other threads: it may read only settings that chunk(),
     *  merge() and finish() leave alone. */
    void *(*split)(const void *self);
    /** SPLITTABLE only: folds the results of part, which covers the input
     *  right after what self covers, into self.  part is destroyed after. */
    int (*merge)(void *self, void *part, mms_error *err);
    /** End of input: compute final results.  Called once per scan that
     *  succeeds, on self, after every part has been merged into it.  NULL
     *  means nothing to do. */
    int (*finish)(void *self, mms_error *err);
    /** Frees a state (self or a part).  NULL means nothing to free. */
    void (*destroy)(void *self);
    /* ---- abi 2 ---- */
    /** SPLITTABLE only, optional: a part is done.  In a scan cut into parts
     *  (see MMS_PROC_SPLITTABLE), the engine calls it exactly once for
     *  every part's state (self for the first part), on the thread that fed
     *  the part, after its last chunk and before its merge.  failed is true when the scan is failing
     *  (this part or another one stopped on an error, or the part was never
     *  started); merge() will then not be called.  A part that waits inside
     *  chunk() for the parts before it (to keep its output in input order)
     *  relies on this call to learn that they are done or that the scan
     *  failed, so it must not wait for anything else. */
    void (*part_end)(void *self, bool failed);
    /* ---- abi 3 ---- */
    /** Optional: the engine's threads that have nothing to do during the
     *  coming scan.  Called once before every scan, on the thread that
     *  calls mms_engine_scan_path() or mms_engine_scan_fd(), before any
     *  chunk.  count is the thread count minus one when this processor is
     *  the only one and the scan is not cut into parts (an ORDERED
     *  processor on a mapped file, or any processor on an input read as a
     *  stream or decompressed), else 0.  (The engine's read-ahead thread,
     *  when there is one, runs either way.)
     *
     *  A processor that can share the work of one chunk (an ordered one
     *  whose windows hold independent pieces) may keep up to count threads
     *  of its own busy inside chunk();
     *  chunk() still returns only when the chunk is done.  Two cautions:
     *  the engine turns a SIGBUS (a mapped file that shrinks under the
     *  scan) into MMS_ETRUNCATED only on the thread that calls chunk(), so
     *  a processor's own thread that reads chunk->data of a file that may
     *  shrink can kill the process; and after a failed scan finish() is
     *  not called, so threads kept between chunks must end in destroy()
     *  or at the next spare_threads() call. */
    void (*spare_threads)(void *self, unsigned count);
    /* ---- abi 4 ---- */
    /** SPLITTABLE only, optional: the parts of a split scan begin at
     *  multiples of this many bytes of the input, so that no record of
     *  that size straddles two parts (a block manifest gives its block
     *  size); 0 or 1 means anywhere.  Parts are then multiples of the
     *  least common multiple of the page size and every processor's unit
     *  (a unit that shares few factors of two with the page size makes a
     *  large one, maybe one part for the whole input); windows are not
     *  rounded to it, so the last window of a part may be shorter.  A
     *  scan with lanes, whose parts are its windows, does not follow it. */
    uint64_t (*part_unit)(const void *self);
} mms_processor_ops;

/** A processor: an ops table and the state it works on. */
typedef struct mms_processor mms_processor;

/**
 * Wraps a user-written processor.
 * @param out   receives the new processor
 * @param ops   the table; must outlive the processor
 * @param self  the state; ownership passes to the processor, which calls
 *              ops->destroy(self) when freed (also when this call fails).
 *              Not NULL for a SPLITTABLE processor: self is its first part.
 * @return 0, MMS_EINVAL (NULL ops or chunk, SPLITTABLE without split and
 *         merge or without self), MMS_EABI (abi is 0 or newer than this
 *         library) or MMS_ENOMEM.
 */
MMS_API int mms_processor_new(mms_processor **out, const mms_processor_ops *ops,
                              void *self, mms_error *err);

/** Frees a processor and its state.  Accepts NULL. */
MMS_API void mms_processor_free(mms_processor *proc);

/** The state given to mms_processor_new(). */
MMS_API void *mms_processor_state(const mms_processor *proc);

/** The ops table of a processor. */
MMS_API const mms_processor_ops *mms_processor_get_ops(const mms_processor *proc);

/* ------------------------------------------------------------------------ */
/* Built-in processor: wc (lines, words, bytes)                              */
/* ------------------------------------------------------------------------ */

/**
 * Counts as GNU wc does in the C locale: lines are '\n' bytes; a word is a
 * run of printable characters (0x21-0x7e) between white space (space, \t,
 * \n, \v, \f, \r); other bytes neither start nor end a word.
 */
typedef struct mms_wc_counts {
    uint64_t lines;
    uint64_t words;
    uint64_t bytes;
} mms_wc_counts;

/** What a wc processor counts (bytes are always counted; they cost nothing). */
enum {
    MMS_WC_LINES = 1u << 0,
    MMS_WC_WORDS = 1u << 1,
    MMS_WC_BYTES = 1u << 2,
    MMS_WC_ALL = MMS_WC_LINES | MMS_WC_WORDS | MMS_WC_BYTES,
};

/**
 * Makes a wc processor (splittable).  Counting only lines is faster than
 * counting words too; a count that was not asked for reads as 0.
 * @param what  MMS_WC_* flags, at least one
 * @return 0, MMS_EINVAL (no or unknown flags) or MMS_ENOMEM.
 */
MMS_API int mms_wc_new(mms_processor **out, unsigned what, mms_error *err);

/**
 * The counts of a wc processor after a scan.  The counts of several scans
 * with the same processor add up.
 * @return 0, or MMS_EINVAL if proc is not a wc processor.
 */
MMS_API int mms_wc_get_counts(const mms_processor *proc, mms_wc_counts *out);

/* ------------------------------------------------------------------------ */
/* The engine                                                                */
/* ------------------------------------------------------------------------ */

/** Access advice for mapped windows. */
typedef enum mms_advice {
    /** MADV_SEQUENTIAL, and a read-ahead thread that maps and populates the
     *  next window while the current one is processed.  The default. */
    MMS_ADVICE_AUTO = 0,
    /** MADV_SEQUENTIAL only: the kernel's read-ahead, no extra thread. */
    MMS_ADVICE_SEQUENTIAL,
    /** MADV_SEQUENTIAL, and POSIX_FADV_WILLNEED on the data (not the
     *  holes) of the next window. */
    MMS_ADVICE_WILLNEED,
    /** MADV_RANDOM: no read-ahead at all. */
    MMS_ADVICE_RANDOM,
    /** No advice: the kernel's defaults. */
    MMS_ADVICE_NONE,
} mms_advice;

/**
 * Parses "auto", "sequential", "willneed", "random" or "none".
 * @return 0 or MMS_EINVAL.
 */
MMS_API int mms_advice_parse(const char *name, mms_advice *out, mms_error *err);

/** How the last scan read its input. */
typedef enum mms_input_mode {
    MMS_INPUT_NONE = 0, /**< no scan yet */
    MMS_INPUT_MAP,      /**< memory-mapped windows */
    MMS_INPUT_STREAM,   /**< read() into a buffer (pipes, /proc, ...) */
    MMS_INPUT_ZSTD,     /**< zstd content decoded on the fly (mms_engine_set_decompress) */
} mms_input_mode;

/** What the last scan did; for reports and tests. */
typedef struct mms_scan_info {
    mms_input_mode mode;
    uint64_t bytes;        /**< input bytes given to the processors */
    uint64_t map_calls;    /**< mmap() calls made */
    uint64_t bytes_mapped; /**< sum of the lengths of all maps */
    uint64_t chunks;       /**< chunks given to each processor */
    /** Contiguous parts the input was cut into for the splittable
     *  processors (1: none): in a scan with lanes, a part per window.  The
     *  parts planned: a scan that stops early (MMS_PROC_DONE, an error)
     *  reads fewer. */
    unsigned parts;
} mms_scan_info;

/** The default window: 64 MiB. */
#define MMS_DEFAULT_WINDOW (64u << 20)

/** An engine: settings, attached processors, and the scan loop. */
typedef struct mms_engine mms_engine;

/** Makes an engine with default settings.  @return 0 or MMS_ENOMEM. */
MMS_API int mms_engine_new(mms_engine **out, mms_error *err);

/** Frees an engine (not its processors).  Accepts NULL. */
MMS_API void mms_engine_free(mms_engine *engine);

/**
 * Sets the window size: the new bytes each chunk brings (the last chunk may
 * bring fewer).  It is rounded up to a multiple of the page size.  Some
 * scans walk smaller windows: a scan cut into parts on more than two
 * threads takes 2 * window / threads (at least a page) so that the memory
 * of all threads stays near two windows, and a scan with lanes at most 4
 * MiB.  A stream is read into a buffer that grows with the input up to one
 * window.
 * @return 0, or MMS_EINVAL if bytes is below one page or above 1 TiB; the
 *         setting is then unchanged.
 */
MMS_API int mms_engine_set_window(mms_engine *engine, uint64_t bytes, mms_error *err);

/** The window size in bytes, after rounding. */
MMS_API uint64_t mms_engine_get_window(const mms_engine *engine);

/** Sets the access advice (default MMS_ADVICE_AUTO). */
MMS_API void mms_engine_set_advice(mms_engine *engine, mms_advice advice);

/**
 * Sets how many threads may scan one file at once: parts of it when every
 * processor is splittable, lanes of ordered processors and window-sized
 * parts of splittable ones otherwise (see mms_engine_scan_path()).  0, the
 * default, means the number of online CPUs.
 */
MMS_API void mms_engine_set_threads(mms_engine *engine, unsigned threads);

/**
 * Attaches a processor: every later scan feeds it.  The engine does not take
 * ownership; the processor must outlive the engine or be detached first.
 * Processors are fed in the order they were added.  A wc processor that
 * counts words and an XXH3 or XXH128 hash processor, added one right after
 * the other, are fed together, in one loop that loads the data once for
 * both.
 * @return 0, MMS_EBUSY (already attached) or MMS_ENOMEM.
 */
MMS_API int mms_engine_add(mms_engine *engine, mms_processor *proc, mms_error *err);

/** Detaches every processor. */
MMS_API void mms_engine_clear(mms_engine *engine);

/**
 * Scans one input in one pass, feeding every attached processor, then calls
 * their finish().  With more than one thread allowed, a mapped file is
 * scanned on several threads: if every processor is splittable, contiguous
 * parts of it at once, each thread taking the next part in input order
 * (see MMS_PROC_SPLITTABLE); otherwise, with several processors, each ordered
 * processor is a lane that sees every window in order, and the splittable
 * ones take each window as a part of its own, on whichever thread is free
 * (each window, of at most 4 MiB, is mapped once and at most four are
 * mapped at a time, so the file is still read once and memory stays flat).
 * @param path  a file, "-" for standard input (read from its position to
 *              its end, which is where it is left, as any reader would), or
 *              "shm:NAME" for the POSIX shared memory object NAME
 * @return 0, or MMS_EOPEN, MMS_EISDIR, MMS_EINVAL (a "shm:" name that is
 *         not one), MMS_EIO, MMS_ETRUNCATED, MMS_ENOMEM, MMS_ETHREAD, or
 *         what a processor returned.  After a failure the
 *         processors hold partial results; free them or scan again.
 */
MMS_API int mms_engine_scan_path(mms_engine *engine, const char *path, mms_error *err);

struct stat;

/**
 * stat() of what mms_engine_scan_path() would read at path ("-" is standard
 * input, "shm:NAME" a shared memory object), without reading it: a FIFO
 * does not block.
 * @return 0, MMS_EINVAL (a shared memory name that is not one, such as
 *         "shm:.." or "shm:a/b") or MMS_EOPEN (see sys_errno).
 */
MMS_API int mms_input_stat(const char *path, struct stat *st, mms_error *err);

/**
 * Like mms_engine_scan_path(), for an open descriptor (not closed).  A
 * stream is read from its current position; a mapped file is scanned whole,
 * and its file position, which looking for holes (SEEK_DATA) moves during
 * the scan, is put back at the end.
 */
MMS_API int mms_engine_scan_fd(mms_engine *engine, int fd, mms_error *err);

/** What the last scan did (zeros before the first scan). */
MMS_API void mms_engine_get_info(const mms_engine *engine, mms_scan_info *out);

/** What a progress report is about. */
typedef enum mms_progress_event {
    MMS_PROGRESS_START,  /**< a scan begins: done is 0 */
    MMS_PROGRESS_WINDOW, /**< a window was given to every processor */
    MMS_PROGRESS_END,    /**< the scan is over (it succeeded or failed) */
} mms_progress_event;

/**
 * Receives progress reports.
 * @param done   input bytes given to the processors so far in this scan
 * @param total  the input size when it is known (mapped inputs), else 0 (also
 *               for decompressed input: done counts the decompressed bytes)
 *
 * START and END come from the thread that called mms_engine_scan_path() or
 * mms_engine_scan_fd(), once per scan, END whether the scan succeeded or
 * not.  WINDOW comes after every window from the thread that scanned it:
 * with several threads, reports may come at the same time from several
 * threads and in any order (done is a running sum, so it only grows, but
 * a report with a smaller done may arrive after one with a larger done).
 * The callback must be quick and thread-safe; it must not call the engine.
 */
typedef void (*mms_progress_fn)(void *ctx, mms_progress_event event, uint64_t done,
                                uint64_t total);

/**
 * Sets the progress callback of every later scan (NULL: none, the default).
 * The engine reports once per window, so the rate of reports follows the
 * window size; a callback that draws should limit its own rate.
 */
MMS_API void mms_engine_set_progress(mms_engine *engine, mms_progress_fn fn, void *ctx);

/* ------------------------------------------------------------------------ */
/* Search: patterns, the search processor and the grep processor            */
/* ------------------------------------------------------------------------ */

/**
 * How pattern text is read.
 * - FIXED: each pattern is a string of bytes, matched as is (grep -F).
 * - BASIC: a POSIX basic regular expression with GNU extensions (grep -G):
 *   \( \) \{ \} \| \+ \? are operators, ( ) { } | + ? are literal.
 * - EXTENDED: a POSIX extended regular expression with GNU extensions
 *   (grep -E): \w \W \s \S \b \B \< \> and back-references \1 to \9.
 * Both regular expression syntaxes also accept what PCRE2 accepts after an
 * escaping backslash (\d, (?:...) in EXTENDED, look-around).  Matching is
 * byte by byte, as in the C locale; '.', negated brackets, \s and \W never
 * match a newline, so no match ever spans two lines.
 */
typedef enum mms_search_syntax {
    MMS_SEARCH_FIXED = 0,
    MMS_SEARCH_BASIC,
    MMS_SEARCH_EXTENDED,
} mms_search_syntax;

/** mms_search_spec.flags. */
enum {
    MMS_SEARCH_CASELESS = 1u << 0, /**< ASCII letters match either case (grep -i) */
    MMS_SEARCH_WORD = 1u << 1,     /**< a match must not touch a word byte
                                        ([A-Za-z0-9_]) on either side (grep -w) */
    MMS_SEARCH_LINE = 1u << 2,     /**< a match must be a whole line (grep -x) */
};

/** What to search for: one or more patterns, all in one pass. */
typedef struct mms_search_spec {
    const char *const *patterns; /**< count patterns */
    const size_t *lengths;       /**< their lengths in bytes; NULL: strlen() */
    size_t count;                /**< 0 makes a search that matches nothing */
    mms_search_syntax syntax;
    unsigned flags;              /**< MMS_SEARCH_* */
} mms_search_spec;

/**
 * Compiled patterns, read-only once made: any number of processors on any
 * number of threads may share one.
 *
 * Regular expressions are compiled by Hyperscan when it accepts them all,
 * otherwise (back-references, look-around) by PCRE2 with its JIT, and by
 * PCRE2 too for telling where matches are (a set too large for PCRE2 but
 * not for Hyperscan selects lines only: see mms_search_new()); a literal
 * that every match must contain is searched for first, with vector
 * instructions, and the regular expression engine only confirms the lines
 * around it.
 */
typedef struct mms_pattern mms_pattern;

/**
 * Compiles a search.
 * @param spec  the patterns (copied: spec need not outlive the call)
 * @param out   receives the compiled patterns (NULL after a failure)
 * @return 0, MMS_EINVAL (no pattern, unknown syntax or flags, or a pattern
 *         that no engine accepts: err->message says which and why) or
 *         MMS_ENOMEM.
 */
MMS_API int mms_pattern_new(mms_pattern **out, const mms_search_spec *spec, mms_error *err);

/** Frees compiled patterns.  Accepts NULL. */
MMS_API void mms_pattern_free(mms_pattern *pattern);

/**
 * One match or one selected line, as a callback sees it.  text is valid
 * during the call only; it points into the input's window or, for a line
 * that crosses windows, into the processor's own copy of the line.
 */
typedef struct mms_match {
    uint64_t offset;           /**< input offset of text[0] */
    uint64_t length;           /**< bytes in the match or line (no newline) */
    uint64_t line_number;      /**< 1-based; 0 unless line numbers were asked for */
    const unsigned char *text; /**< the bytes */
} mms_match;

/**
 * Receives matches or lines in input order.  When the engine scans the
 * input in parts on several threads, the callback may run on any of them,
 * but never on two at once, and always in input order.
 * @return 0 to go on, anything else to stop reporting: the rest of the
 *         input is then skipped (the scan still succeeds).
 */
typedef int (*mms_match_fn)(void *ctx, const mms_match *match);

/**
 * Makes a search processor (ordered): it calls on_match for every match in
 * input order, leftmost first and, among matches that start at the same
 * byte, the longest; matches do not overlap (the next one is looked for
 * after the end of the last).  Every byte is searched (NUL bytes included)
 * and no match spans a newline.  text is the match.
 * @param pattern   compiled patterns; must outlive the processor
 * @param on_match  required
 * @return 0, MMS_EINVAL (NULL pattern or callback, or patterns that can
 *         select lines but not say where they match: a set too large for
 *         PCRE2, which Hyperscan alone runs; err->message says so) or
 *         MMS_ENOMEM.
 */
MMS_API int mms_search_new(mms_processor **out, const mms_pattern *pattern,
                           mms_match_fn on_match, void *ctx, mms_error *err);

/** What a grep processor reports through its callback. */
typedef enum mms_grep_output {
    MMS_GREP_COUNT = 0, /**< nothing: it only counts selected lines (splittable) */
    MMS_GREP_LINES,     /**< every selected line */
    MMS_GREP_MATCHES,   /**< every match in every selected line (grep -o) */
} mms_grep_output;

/** No limit for mms_grep_options.max_lines. */
#define MMS_GREP_UNLIMITED UINT64_MAX

/** The settings of a grep processor. */
typedef struct mms_grep_options {
    mms_grep_output output;
    bool invert;        /**< select the lines that do not match (grep -v) */
    bool line_numbers;  /**< fill mms_match.line_number (grep -n) */
    bool binary_text;   /**< treat every input as text (grep -a) */
    uint64_t max_lines; /**< stop after this many selected lines (grep -m);
                             MMS_GREP_UNLIMITED for none */
} mms_grep_options;

/** What a grep processor found in the last input it scanned. */
typedef struct mms_grep_result {
    uint64_t selected; /**< selected lines (at most max_lines) */
    /** The input holds a NUL byte, so it is binary; lines selected from
     *  then on were counted but not reported (unless binary_text).  Not
     *  looked for with MMS_GREP_COUNT: always false there, and a NUL byte
     *  counts as an ordinary byte.  (GNU grep -c also ends lines at NUL
     *  bytes in a binary file, so its count differs where one line holds
     *  matches on both sides of a NUL.) */
    bool binary;
    /** Lines were selected but not reported because the input is binary:
     *  grep's "binary file matches". */
    bool binary_suppressed;
} mms_grep_result;

/**
 * Makes a grep processor: the input is cut into lines ('\n' ends a line; a
 * last line without one counts), lines are selected as GNU grep selects
 * them, and selected lines or their matches go to on_line in input order.
 *
 * A line may be longer than the window: the processor keeps a copy of the
 * part of the line in progress that earlier windows held (so its memory
 * grows with the longest line that crosses a window edge).
 *
 * Binary inputs, as GNU grep 3.8 sees them: unless binary_text, once a
 * slice of input with a NUL byte has been seen, selected lines are no
 * longer reported (only counted, and the result says so) and, unless the
 * output is MMS_GREP_COUNT, the search stops at the first one.
 *
 * The processor is splittable: with several threads, contiguous parts of
 * the input are searched at once.  The earliest part still running reports
 * at once; later parts keep what they select (at most 8 MiB of lines
 * between them, then they wait for their turn) and report it when the
 * parts before them are done, so that lines still come in input order.
 * Counting with no line limit keeps nothing and never waits.
 *
 * Once its result is decided (max_lines lines selected, on_line asked to
 * stop, or the first selected line of a binary input), the processor
 * returns MMS_PROC_DONE, so the engine reads no more of the input: grep
 * -q, -l, -L and -m stop early.  In a split scan a part stops once it has
 * selected max_lines lines, or once an earlier part has decided.
 *
 * PCRE2's backtracking matcher (patterns with back-references or
 * look-around, and where matches start) has limits: its stack grows as a
 * match needs, up to 256 MiB a thread, but a line that needs more
 * backtracking than its match limit allows cannot be decided.  The scan
 * then fails with MMS_EPROC, err->message naming the byte offset of the
 * line and the limit; the lines before it have been reported.  As in a
 * search in input order, a line past where the search stopped (max_lines,
 * the callback) is never an error, whatever the threads.  The same holds
 * for mms_search_new().
 * @param pattern  compiled patterns; must outlive the processor
 * @param options  settings (copied)
 * @param on_line  required unless options->output is MMS_GREP_COUNT
 * @return 0, MMS_EINVAL (bad options, or MMS_GREP_MATCHES with patterns
 *         that can select lines but not say where they match, as
 *         mms_search_new()) or MMS_ENOMEM.
 */
MMS_API int mms_grep_new(mms_processor **out, const mms_pattern *pattern,
                         const mms_grep_options *options, mms_match_fn on_line, void *ctx,
                         mms_error *err);

/**
 * What a grep processor found.  Use one processor per input: the results
 * of several scans add up.
 * @return 0, or MMS_EINVAL if proc is not a grep processor.
 */
MMS_API int mms_grep_get_result(const mms_processor *proc, mms_grep_result *out);

/* ------------------------------------------------------------------------ */
/* Built-in processors: xxHash digests and block manifests                   */
/* ------------------------------------------------------------------------ */

/**
 * The xxHash algorithms, numbered as xxhsum's -H option numbers them.
 * XXH3 and XXH128 run on the widest vector unit the CPU has (AVX-512, AVX2
 * or SSE2 on x86-64), chosen at run time.
 */
typedef enum mms_hash_algorithm {
    MMS_XXH32 = 0,   /**< XXH32: 32 bits (xxhsum -H0) */
    MMS_XXH64 = 1,   /**< XXH64: 64 bits (xxhsum -H1, its default) */
    MMS_XXH128 = 2,  /**< XXH3_128bits: 128 bits (xxhsum -H2) */
    MMS_XXH3_64 = 3, /**< XXH3_64bits: 64 bits (xxhsum -H3) */
} mms_hash_algorithm;

/** The largest digest, in bytes. */
#define MMS_HASH_MAX_SIZE 16
/** The size of a buffer for a digest in hexadecimal, terminating NUL included. */
#define MMS_HASH_HEX_SIZE (2 * MMS_HASH_MAX_SIZE + 1)

/** A digest in canonical form: big-endian bytes, as xxhsum prints them. */
typedef struct mms_hash_digest {
    mms_hash_algorithm algorithm;
    unsigned size;                          /**< 4, 8 or 16 */
    unsigned char bytes[MMS_HASH_MAX_SIZE]; /**< bytes[0 .. size) */
} mms_hash_digest;

/** "XXH32", "XXH64", "XXH128" or "XXH3" (xxhsum's names), NULL for others. */
MMS_API const char *mms_hash_name(mms_hash_algorithm algorithm);

/**
 * Writes a digest as lowercase hexadecimal, most significant byte first,
 * or least significant first when little_endian is true (xxhsum
 * --little-endian).
 * @param out  at least MMS_HASH_HEX_SIZE bytes; receives 2 * size digits
 *             and a NUL
 */
MMS_API void mms_hash_to_hex(const mms_hash_digest *digest, bool little_endian, char *out);

/**
 * Makes a processor that hashes its whole input.  XXH32 and XXH64 are
 * ordered; XXH3 and XXH128 are splittable (a part after the first sums its
 * 1 KiB blocks, which needs 64 bytes per block until its merge, and the
 * merge adds the sums in order), so a mapped input of more than one window
 * is hashed on every thread the engine allows (a stream or a decompressed
 * input on one).  Each scan starts a new digest; an empty input has a digest too.  A scan that fails
 * leaves a partial state that the next scan's first bytes discard: after a
 * failure, use a new processor if the next input may be empty.
 * @return 0, MMS_EINVAL (unknown algorithm) or MMS_ENOMEM.
 */
MMS_API int mms_hash_new(mms_processor **out, mms_hash_algorithm algorithm, mms_error *err);

/**
 * The digest of the last scan of a hash processor.
 * @return 0, or MMS_EINVAL if proc is not a hash processor or has not
 *         finished a scan.
 */
MMS_API int mms_hash_get_digest(const mms_processor *proc, mms_hash_digest *out);

/** The hash of one block of the input. */
typedef struct mms_block_hash {
    uint64_t offset;        /**< input offset of the block: a multiple of the block size */
    uint64_t length;        /**< the block size, or less for the last block */
    mms_hash_digest digest;
} mms_block_hash;

/**
 * Makes a block manifest processor: one digest for every block_size bytes
 * of the input, for finding which parts of two large files differ.  It is
 * splittable, so a scan uses every thread the engine allows.  A part that
 * does not start at a block boundary copies the bytes up to the next
 * boundary (at most one block) to hash them at the merge; a window that is
 * a multiple of the block size avoids that copy.  The manifest takes
 * sizeof(mms_block_hash) bytes of memory per block.  Each scan makes a new
 * manifest (after a failed scan, as for mms_hash_new()).
 * @param block_size  bytes per block, at least 1
 * @return 0, MMS_EINVAL (unknown algorithm, block_size 0) or MMS_ENOMEM.
 */
MMS_API int mms_blocks_new(mms_processor **out, mms_hash_algorithm algorithm,
                           uint64_t block_size, mms_error *err);

/**
 * The manifest of the last scan of a block manifest processor, in input
 * order.  The array belongs to the processor and stays valid until its next
 * scan or its mms_processor_free().
 * @return 0, or MMS_EINVAL if proc is not a block manifest processor.
 */
MMS_API int mms_blocks_get(const mms_processor *proc, const mms_block_hash **blocks,
                           size_t *count);

/** The input size seen by the last scan of a block manifest processor (0 if none). */
MMS_API uint64_t mms_blocks_input_size(const mms_processor *proc);

/** A range of input offsets, [begin, end). */
typedef struct mms_range {
    uint64_t begin;
    uint64_t end;
} mms_range;

/**
 * Finds the first range at or after offset from where the inputs of two
 * manifests differ: the blocks whose digests or lengths differ, merged
 * when they touch, and the bytes that only the longer input has.  Call it
 * again with from = out->end for the next range.
 * @param a, b  block manifest processors with the same algorithm and block
 *              size, after a scan each
 * @return 1 and *out filled when a range was found, 0 when the inputs are
 *         the same from offset from on, MMS_EINVAL when a or b is not a
 *         block manifest processor or they cannot be compared.
 */
MMS_API int mms_blocks_next_difference(const mms_processor *a, const mms_processor *b,
                                       uint64_t from, mms_range *out);

/* Compression: zstd                                                         */
/* ------------------------------------------------------------------------ */

/*
 * libmmscan writes and reads the zstd format (RFC 8878) with libzstd, so its
 * output is read by `zstd -d` and it reads what `zstd` writes: several
 * frames one after the other, skippable frames, frames with or without a
 * checksum and a content size, and windows up to 2 GiB (zstd --long=31).
 *
 * Three ways to use it:
 * - the compressor processor: attach it to an engine, scan a file, get one
 *   zstd frame on a descriptor;
 * - the decompressor processor: attach it, scan a .zst file, get the
 *   content on a descriptor;
 * - transparent input: mms_engine_set_decompress() makes the engine hand
 *   every processor the decompressed content of a .zst input, in the same
 *   chunks (with the same overlap) as a plain file, without writing it
 *   anywhere.
 */

/** A size not known in advance. */
#define MMS_SIZE_UNKNOWN UINT64_MAX

/** The settings of a compressor.  Fill with mms_zstd_compress_options_init(). */
typedef struct mms_zstd_compress_options {
    /** The zstd level: 1 (fastest) to 19, 20 to 22 (much more memory),
     *  negative for even faster; 0 means the default, 3. */
    int level;
    /** Threads libzstd compresses on (ZSTD_c_nbWorkers); the engine's
     *  thread then only hands over input and writes output.  0 compresses
     *  on the engine's thread.  Default 0. */
    unsigned workers;
    /** Long-distance matching with a window of 2^long_window_log bytes
     *  (zstd --long=N; 27 is zstd's --long); 0, the default, leaves it off.
     *  A frame with a window above 2^27 needs `zstd -d --long=N` or
     *  `--memory` to be read by zstd; this library reads it as it is. */
    unsigned long_window_log;
    /** End the frame with a checksum of its content (zstd --check, the
     *  default, true). */
    bool checksum;
} mms_zstd_compress_options;

/** Sets opts to the defaults (level 3, no workers, no long mode, checksum). */
MMS_API void mms_zstd_compress_options_init(mms_zstd_compress_options *opts);

/**
 * Makes a compressor: an ordered processor that writes, for each scan, one
 * zstd frame of the scanned bytes to fd, with write() at fd's position.
 * @param fd    where the frames go; not closed, not synced
 * @param opts  the settings (copied), or NULL for the defaults
 * @return 0, MMS_EINVAL (a setting out of range; err says which) or
 *         MMS_ENOMEM.  A scan returns MMS_EIO when a write fails.
 */
MMS_API int mms_zstd_compress_new(mms_processor **out, int fd,
                                  const mms_zstd_compress_options *opts, mms_error *err);

/**
 * Declares the size of the next scan's input, so that the frame header
 * records it (zstd prints it, and a decompressor can size its output from
 * it).  It holds for one scan; a scan whose input has another size fails
 * with MMS_EINVAL.  Without it the frame has no content size.
 * @return 0, or MMS_EINVAL if proc is not a compressor.
 */
MMS_API int mms_zstd_compress_set_size(mms_processor *proc, uint64_t bytes);

/** The settings of a decompressor.  Fill with mms_zstd_decompress_options_init(). */
typedef struct mms_zstd_decompress_options {
    /** Verify the checksums of the frames that have one (default true). */
    bool verify_checksum;
    /** Bytes of output mapped at once when fd is a regular file (default
     *  MMS_ZSTD_OUTPUT_WINDOW; rounded up to a page). */
    uint64_t window;
} mms_zstd_decompress_options;

/** The default output window of a decompressor: 4 MiB.  A helper thread
 *  faults the next window in while the decoder fills this one, so at most
 *  three windows (with the one being unmapped) are mapped at once. */
#define MMS_ZSTD_OUTPUT_WINDOW (4u << 20)

/** Sets opts to the defaults (verify checksums, MMS_ZSTD_OUTPUT_WINDOW). */
MMS_API void mms_zstd_decompress_options_init(mms_zstd_decompress_options *opts);

/**
 * Makes a decompressor: an ordered processor that decodes the scanned zstd
 * frames and writes their content to fd, starting at fd's position.
 *
 * When fd is a regular file and the first frame records its content size,
 * the file is extended to hold it and the content is decoded straight into
 * writable shared maps of the file, one window at a time, the next one
 * faulted in on a helper thread (the file grows again if later frames need
 * it, and ends exactly at the end of the content).  Otherwise the content is written with write().  fd is not
 * closed and not synced; after the scan its position is the end of the
 * content.
 *
 * A scan fails with MMS_ECORRUPT when the input is not zstd, is corrupt,
 * fails a checksum or ends inside a frame (err->offset: for corrupt data,
 * an input offset it lies before, usually within 384 KiB; otherwise where
 * decoding stopped), MMS_EIO when writing fails, MMS_ENOMEM when a frame
 * asks for more memory than there is.  The output then holds a part of the
 * content: remove it.
 * @param opts  the settings (copied), or NULL for the defaults
 * @return 0, MMS_EINVAL or MMS_ENOMEM.
 */
MMS_API int mms_zstd_decompress_new(mms_processor **out, int fd,
                                    const mms_zstd_decompress_options *opts, mms_error *err);

/** What a compressor or decompressor has done so far (all its scans). */
typedef struct mms_zstd_totals {
    uint64_t bytes_in;  /**< bytes it was given */
    uint64_t bytes_out; /**< bytes it wrote */
    uint64_t frames;    /**< frames it wrote or read (skippable ones included) */
} mms_zstd_totals;

/**
 * The totals of a compressor or decompressor.
 * @return 0, or MMS_EINVAL if proc is neither.
 */
MMS_API int mms_zstd_get_totals(const mms_processor *proc, mms_zstd_totals *out);

/** Whether the engine decompresses its input before the processors see it. */
typedef enum mms_decompress {
    /** Processors see the input's bytes as they are.  The default. */
    MMS_DECOMPRESS_NONE = 0,
    /** The input is zstd: processors see its content.  An input that is not
     *  zstd fails the scan with MMS_ECORRUPT. */
    MMS_DECOMPRESS_ZSTD,
    /** Decompress an input that starts with a zstd frame magic number
     *  (28 b5 2f fd) or a skippable frame magic (5? 2a 4d 18); scan any
     *  other input as it is.  A stream that cannot be peeked at without
     *  consuming it (a pipe) is scanned as it is. */
    MMS_DECOMPRESS_AUTO,
} mms_decompress;

/**
 * Sets whether scans decompress their input (default MMS_DECOMPRESS_NONE,
 * so that a processor's answer on a file never depends on its first bytes
 * unless asked).  A decompressed scan reads the compressed input through
 * the same mapped windows or read() as any other, decodes it on the
 * scanning thread into a buffer of one window plus the overlap, and feeds
 * the processors the same chunks as for a plain file of that content
 * (offsets are offsets in the content); its mms_scan_info.mode is
 * MMS_INPUT_ZSTD, bytes counts content bytes, and it is never split
 * across threads.  Errors in the compressed data fail the scan with
 * MMS_ECORRUPT after the processors have seen the content before them.
 */
MMS_API void mms_engine_set_decompress(mms_engine *engine, mms_decompress how);

/* ------------------------------------------------------------------------ */
/* Built-in processor: stats (file analytics)                                */
/* ------------------------------------------------------------------------ */

/** What an input looks like, as mms_stats.verdict says. */
typedef enum mms_stats_verdict {
    MMS_STATS_TEXT = 0, /**< only ASCII bytes and no NUL byte (an empty input too) */
    MMS_STATS_UTF8,     /**< valid UTF-8 with characters beyond ASCII, no NUL byte */
    MMS_STATS_BINARY,   /**< a NUL byte, or bytes that are not valid UTF-8 */
} mms_stats_verdict;

/**
 * The distribution of line lengths.  A line is the bytes before a '\n'
 * (the newline is not counted; a '\r' before it is), and a last line
 * without a newline when it is not empty.  Percentiles are nearest-rank:
 * pN is the smallest length L such that at least N % of the lines are at
 * most L bytes long.  They are exact for lines shorter than 65536 bytes;
 * beyond, lengths are counted in buckets of 1/128 of a power of two, so a
 * percentile that falls there reads up to 1/128 (0.8 %) below the truth.
 * min, max and mean are always exact.  All zero without lines.
 */
typedef struct mms_line_stats {
    uint64_t count;  /**< lines measured */
    uint64_t min;    /**< the shortest line */
    uint64_t max;    /**< the longest line */
    double mean;
    uint64_t p50, p90, p99;
} mms_line_stats;

/** What a stats processor found. */
typedef struct mms_stats {
    uint64_t bytes;
    uint64_t lines;          /**< '\n' bytes (as wc -l counts) */
    uint64_t words;          /**< as the wc processor counts them */
    mms_line_stats line_length;
    uint64_t histogram[256]; /**< histogram[b]: bytes of value b */
    double entropy;          /**< Shannon entropy of the byte values, in bits
                                  per byte: 0 (one value) to 8 (uniform) */
    uint64_t nul;            /**< 0x00 bytes */
    uint64_t cr;             /**< '\r' bytes */
    uint64_t crlf;           /**< "\r\n" pairs */
    uint64_t non_ascii;      /**< bytes 0x80 to 0xff */
    /** Control bytes that are not white space: 0x00-0x08, 0x0e-0x1f, 0x7f. */
    uint64_t non_printable;
    bool utf8_valid;         /**< the input is valid UTF-8 (RFC 3629: no
                                  overlong forms, surrogates, or code points
                                  beyond U+10FFFF; ASCII is valid UTF-8) */
    mms_stats_verdict verdict;
} mms_stats;

/**
 * Makes a stats processor: in one pass, the counts of mms_stats.  It is
 * splittable, so a scan uses every thread the engine allows; it needs no
 * overlap.  Its memory is about 600 KiB per thread.  The byte histogram
 * counts eight bytes per load into four interleaved tables; UTF-8 is
 * checked by a scalar validator with an ASCII fast path (slices that the
 * histogram shows to be ASCII are not read again).
 * @return 0 or MMS_ENOMEM.
 */
MMS_API int mms_stats_new(mms_processor **out, mms_error *err);

/**
 * The statistics of a stats processor after a scan.  Use one processor per
 * input: the statistics of several scans add up, as if the inputs were
 * separate files (lines never join across inputs; utf8_valid is true when
 * every input is valid).
 * @return 0, or MMS_EINVAL if proc is not a stats processor.
 */
MMS_API int mms_stats_get(const mms_processor *proc, mms_stats *out);

/**
 * Any nearest-rank percentile of the line lengths, with the precision
 * described at mms_line_stats.
 * @param percent  0 to 100 (0 gives the shortest line, 100 the longest)
 * @return 0, or MMS_EINVAL if proc is not a stats processor or percent is
 *         out of range.
 */
MMS_API int mms_stats_line_percentile(const mms_processor *proc, double percent, uint64_t *out);

/** "text", "utf-8" or "binary"; NULL for an unknown value. */
MMS_API const char *mms_stats_verdict_name(mms_stats_verdict verdict);

/* ------------------------------------------------------------------------ */
/* Generating test data                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A generator makes deterministic test data of any size: its bytes are a
 * pure function of the kind, the size, the seed and the kind's settings,
 * never of how they are written (window, threads, method) or of the machine.
 *
 * The output is cut into blocks of MMS_GEN_BLOCK bytes; the last block also
 * takes the remainder (so it holds MMS_GEN_BLOCK to 2 * MMS_GEN_BLOCK - 1
 * bytes, or the whole output when it is smaller than one block).  Each block
 * is a function of (kind, seed, settings, block index, block length) alone,
 * so any range can be made on its own, in any order, on any thread.  The
 * text kinds (text, log, csv) end every block with a complete line: the
 * block's last line is padded to fit.
 *
 * A generator handle may be used by several threads at once with
 * mms_gen_fill() and mms_gen_next_needle(); its setters must not run then.
 */

/** The size of a generator block (a constant of the format). */
#define MMS_GEN_BLOCK (64u << 10)

/** What a generator makes. */
typedef enum mms_gen_kind {
    /** Uniform bytes from a counter-based generator. */
    MMS_GEN_RANDOM = 0,
    /** Lines of words from a fixed vocabulary (see mms_gen_set_lines()). */
    MMS_GEN_TEXT,
    /** Log lines: "2024-01-01T00:00:00.000Z INFO  [component] message
     *  key=value ..."; timestamps grow through the output. */
    MMS_GEN_LOG,
    /** CSV: a header line, then rows of 8 fields
     *  "id,name,category,quantity,price,score,date,note" (ints, words,
     *  floats, YYYY-MM-DD dates; no quoting needed). */
    MMS_GEN_CSV,
    /** Data that zstd level 3 compresses by about a set ratio
     *  (see mms_gen_set_ratio()). */
    MMS_GEN_COMPRESSIBLE,
    /** Zero bytes, all written (they use space). */
    MMS_GEN_ZEROS,
    /** Holes with islands of random data (see mms_gen_set_islands()); only
     *  the islands are written. */
    MMS_GEN_SPARSE,
} mms_gen_kind;

/**
 * Parses a kind name: "random", "text", "log", "csv", "compressible",
 * "zeros" or "sparse".
 * @return 0 or MMS_EINVAL.
 */
MMS_API int mms_gen_kind_parse(const char *name, mms_gen_kind *out, mms_error *err);

/** The name of a kind ("random", ...), or NULL for an unknown value. */
MMS_API const char *mms_gen_kind_name(mms_gen_kind kind);

/** A generator: what to make, and how to write it. */
typedef struct mms_gen mms_gen;

/**
 * Makes a generator with the kind's default settings.
 * @param size  output size in bytes, at least 1
 * @param seed  any value; different seeds give different data
 * @return 0, MMS_EINVAL (unknown kind, size 0) or MMS_ENOMEM.
 */
MMS_API int mms_gen_new(mms_gen **out, mms_gen_kind kind, uint64_t size, uint64_t seed,
                        mms_error *err);

/** Frees a generator.  Accepts NULL. */
MMS_API void mms_gen_free(mms_gen *gen);

/**
 * Text only: line lengths, newline excluded, drawn uniformly from
 * [min, max] (default 10 to 100).  The last line of a block may be longer,
 * by up to min bytes, so that the block ends with a complete line.
 * @return 0, or MMS_EINVAL (other kind, min 0, min > max, max > 4096).
 */
MMS_API int mms_gen_set_lines(mms_gen *gen, unsigned min, unsigned max, mms_error *err);

/**
 * Compressible only: the target ratio (original size / size after
 * `zstd -3`), from 1 to 100 (default 3).  The ratio is met within 10% for
 * targets from 1 to 20 on outputs of a few MiB and more.
 * @return 0, or MMS_EINVAL (other kind, ratio out of range).
 */
MMS_API int mms_gen_set_ratio(mms_gen *gen, double ratio, mms_error *err);

/**
 * Sparse only: an island of length bytes of random data starts at every
 * multiple of every (default: 4 KiB every 1 MiB); the rest is holes.
 * @return 0, or MMS_EINVAL (other kind, length 0, length > every).
 */
MMS_API int mms_gen_set_islands(mms_gen *gen, uint64_t every, uint64_t length, mms_error *err);

/**
 * Plants needle (len bytes, copied) over the generated bytes, either about
 * once every `every` bytes (every > 0), or only at the offsets given with
 * mms_gen_add_needle_at() (every == 0).  With every, the output is cut
 * into regions of every bytes; a needle lies inside each region that can
 * hold it, and every other one straddles the region's most aligned offset
 * (a multiple of the largest power of two inside it), so that it crosses
 * the edges of windows of any power-of-two size up to that alignment.  A
 * needle replaces the bytes under it (newlines included).  A new needle
 * replaces the one before and forgets the offsets added for it.
 * @return 0, or MMS_EINVAL (len 0 or above 4096, every below 2 * len) or
 *         MMS_ENOMEM.
 */
MMS_API int mms_gen_set_needle(mms_gen *gen, const void *needle, size_t len, uint64_t every,
                               mms_error *err);

/**
 * Plants the needle (see mms_gen_set_needle(), every == 0) at offset.
 * @return 0, or MMS_EINVAL (no needle set, needle set with every > 0, the
 *         needle would end past the output or overlap another) or
 *         MMS_ENOMEM.
 */
MMS_API int mms_gen_add_needle_at(mms_gen *gen, uint64_t offset, mms_error *err);

/**
 * Finds the first planted needle that starts at or after from.
 * @return 1 and *offset set, or 0 when there is none.
 */
MMS_API int mms_gen_next_needle(const mms_gen *gen, uint64_t from, uint64_t *offset);

/**
 * Makes the len bytes of the output that start at offset, in memory.
 * @return 0, MMS_EINVAL (the range ends past the output) or MMS_ENOMEM.
 */
MMS_API int mms_gen_fill(const mms_gen *gen, uint64_t offset, void *buf, size_t len,
                         mms_error *err);

/** How mms_gen_write() puts the bytes into the output. */
typedef enum mms_write_method {
    /** The faster one here: MMS_WRITE_PWRITE (measured, see the README). */
    MMS_WRITE_AUTO = 0,
    /** Fill a small buffer on each thread and pwrite() it; fdatasync() at
     *  the end. */
    MMS_WRITE_PWRITE,
    /** Map each window MAP_SHARED and writable, fill it in place, msync()
     *  it (MS_SYNC) and unmap it.  Installs the SIGBUS handler (see SIGBUS
     *  below): an output that shrinks, or whose disk fills up, under a
     *  window makes the write fail with MMS_ETRUNCATED. */
    MMS_WRITE_MAP,
} mms_write_method;

/**
 * Parses "auto", "pwrite" or "map".
 * @return 0 or MMS_EINVAL.
 */
MMS_API int mms_write_method_parse(const char *name, mms_write_method *out, mms_error *err);

/**
 * How mms_gen_write() works; none of these changes the bytes.
 * @param window   bytes per unit of work (default MMS_DEFAULT_WINDOW),
 *                 rounded up to a multiple of the page size
 * @param threads  threads that write at once; 0 (the default) means one
 *                 per online CPU
 * @return 0, or MMS_EINVAL (window below one page or above 1 TiB; the
 *         settings are then unchanged).
 */
MMS_API int mms_gen_set_writing(mms_gen *gen, uint64_t window, unsigned threads,
                                mms_write_method method, mms_error *err);

/**
 * Reports the progress of mms_gen_write() to fn, as the engine does a
 * scan's (see mms_engine_set_progress()): MMS_PROGRESS_START (done 0, total
 * the output's size) once the output is created, MMS_PROGRESS_WINDOW as
 * each unit of work is generated, from the writing threads and so maybe
 * at once (done counts the bytes generated; holes of a sparse output are
 * not generated and count at the end), MMS_PROGRESS_END when the output is
 * complete (done is then total) or the write failed.  NULL stops the
 * reports.
 */
MMS_API void mms_gen_set_progress(mms_gen *gen, mms_progress_fn fn, void *ctx);

/** mms_gen_write() flag: replace an existing output (a file is removed once
 *  the free space is checked, before the new one is written, so that its
 *  space can be used). */
#define MMS_GEN_FORCE (1u << 0)
/** mms_gen_write() flag: after a failure, keep the partial output. */
#define MMS_GEN_KEEP_PARTIAL (1u << 1)
/** What a file output is called while it is written (path + this suffix). */
#define MMS_GEN_PARTIAL_SUFFIX ".partial"

/**
 * Writes the whole output to path: a file, or "shm:NAME" for the POSIX
 * shared memory object NAME.
 *
 * A file is written as path MMS_GEN_PARTIAL_SUFFIX and renamed to path once
 * it is complete and synced, so path never holds a partial output.  A
 * shared memory object cannot be renamed: it is written under its name.
 * Before any data is written, the free space of the file system that will
 * hold the output (tmpfs for shared memory) is checked against the bytes
 * the output needs (holes need none).
 *
 * @param flags  MMS_GEN_FORCE, MMS_GEN_KEEP_PARTIAL
 * @param mode   permission bits of a new output, less the umask; 0 means
 *               0666 for a file and 0600 for shared memory
 * @return 0, or MMS_EOPEN (cannot create the output; sys_errno EEXIST when
 *         it exists and MMS_GEN_FORCE is not given), MMS_EISDIR, MMS_EIO
 *         (sys_errno ENOSPC with a message that says how much space is
 *         missing, when the check fails or the disk fills up), MMS_ETRUNCATED
 *         (MMS_WRITE_MAP only), MMS_ENOMEM, MMS_ETHREAD.  After a failure, the partial output is removed,
 *         or kept with MMS_GEN_KEEP_PARTIAL (a file as path
 *         MMS_GEN_PARTIAL_SUFFIX, shared memory under its name).
 */
MMS_API int mms_gen_write(const mms_gen *gen, const char *path, unsigned flags, unsigned mode,
                          mms_error *err);

/* ------------------------------------------------------------------------ */
/* POSIX shared memory objects                                               */
/* ------------------------------------------------------------------------ */

/** One shared memory object, as mms_shm_list() reports it. */
typedef struct mms_shm_info {
    const char *name; /**< without "shm:" or '/'; valid during the call only */
    uint64_t size;
    unsigned mode;    /**< permission bits */
} mms_shm_info;

/**
 * Calls fn for each POSIX shared memory object of the system, in name
 * order; a negative return from fn stops the listing and is returned.
 * @return 0, MMS_EIO (the objects cannot be listed), MMS_ENOMEM, or what
 *         fn returned.
 */
MMS_API int mms_shm_list(int (*fn)(void *ctx, const mms_shm_info *info), void *ctx,
                         mms_error *err);

/**
 * Removes the shared memory object NAME ("NAME", "/NAME" or "shm:NAME").
 * Programs that have it open or mapped keep it until they let it go.
 * @return 0, MMS_EINVAL (bad name) or MMS_EOPEN (see sys_errno, e.g.
 *         ENOENT).
 */
MMS_API int mms_shm_remove(const char *name, mms_error *err);

/* ------------------------------------------------------------------------ */
/* In-place edits: edit lists, the replace processor, journaled edits       */
/* ------------------------------------------------------------------------ */

/*
 * An in-place edit changes bytes of a file without changing its length.
 * The edits of one run are all or nothing:
 *
 * 1. the targets are gathered first (an mms_edits list, filled by hand or by
 *    a replace processor during a read-only scan);
 * 2. mms_edit_apply() writes the old bytes of every target to an undo
 *    journal next to the file (".NAME.mmscan-undo", created 0600) and syncs
 *    it before the first byte of the file changes;
 * 3. it maps only the pages that change, writable and MAP_SHARED, copies the
 *    new bytes in, and msync()s (MS_SYNC) each map before unmapping it, then
 *    fsync()s the file;
 * 4. it appends a commit record to the journal, syncs it, and removes the
 *    journal (or moves it where mms_edit_options.keep_journal says).
 *
 * If the process or the machine dies before the commit record is on disk,
 * the next mms_edit_open() (or mms_edit_recover()) of the file writes the
 * old bytes back: the file is then exactly as it was.  A kept journal lets
 * mms_edit_undo() restore the original later.  Programs that edit the same
 * file cooperate through an advisory lock (flock) on it.
 */

/**
 * A list of edits: each replaces length bytes at offset with as many new
 * bytes.  Edits may be added in any order; they must not overlap.
 */
typedef struct mms_edits mms_edits;

/** Makes an empty edit list.  @return 0 or MMS_ENOMEM. */
MMS_API int mms_edits_new(mms_edits **out, mms_error *err);

/** Frees an edit list.  Accepts NULL. */
MMS_API void mms_edits_free(mms_edits *edits);

/**
 * Adds an edit that writes bytes at offset.
 * @param bytes     the new bytes (copied)
 * @param length    at least 1
 * @param expected  NULL, or length bytes (copied) that the file must hold
 *                  at offset, or the edit's new bytes already there
 *                  (an edit applied again changes nothing; a byte that
 *                  is neither, or a mix of expected and new bytes, is
 *                  refused with MMS_EMISMATCH before anything is written)
 * @return 0, MMS_EINVAL (length 0, or offset + length past 2^63 - 1, the
 *         largest file offset) or MMS_ENOMEM; the list is unchanged after
 *         an error.
 */
MMS_API int mms_edits_add(mms_edits *edits, uint64_t offset, const void *bytes, size_t length,
                          const void *expected, mms_error *err);

/**
 * Adds an edit that sets length bytes at offset to byte (a range of any
 * size costs a few bytes of memory).
 * @return 0, MMS_EINVAL or MMS_ENOMEM, as mms_edits_add().
 */
MMS_API int mms_edits_add_fill(mms_edits *edits, uint64_t offset, uint64_t length,
                               unsigned char byte, mms_error *err);

/** The number of edits in the list. */
MMS_API size_t mms_edits_count(const mms_edits *edits);

/** No limit for mms_replace_options.max_edits. */
#define MMS_REPLACE_UNLIMITED UINT64_MAX

/** The settings of a replace processor. */
typedef struct mms_replace_options {
    const void *replacement; /**< the new bytes of every match */
    size_t length;           /**< their number (0 is allowed with pad) */
    bool pad;                /**< pad a replacement shorter than its match */
    unsigned char pad_byte;  /**< with pad: the byte appended */
    uint64_t max_edits;      /**< stop after this many matches, or MMS_REPLACE_UNLIMITED */
} mms_replace_options;

/**
 * Makes a replace processor (ordered): it searches as mms_search_new()
 * does and adds one edit per match to edits: the replacement, padded to
 * the match's length when pad is set.  A match of another length than the
 * (padded) replacement fails the scan with MMS_EINVAL and a message that
 * says where and why; edits then holds the matches before it.
 * @param pattern  compiled patterns; must outlive the processor
 * @param options  copied (the replacement bytes too)
 * @param edits    receives the edits; must outlive the processor
 * @return 0, MMS_EINVAL or MMS_ENOMEM.
 */
MMS_API int mms_replace_new(mms_processor **out, const mms_pattern *pattern,
                            const mms_replace_options *options, mms_edits *edits,
                            mms_error *err);

/**
 * The durable steps of an edit, in the order they happen, for progress
 * reports and for crash tests (a callback that kills the process at step N
 * leaves the file in the state a crash there would).
 */
typedef enum mms_edit_step {
    MMS_STEP_JOURNAL_RECORD = 0, /**< a journal record was written (not synced) */
    MMS_STEP_JOURNAL_SYNCED,     /**< the journal is complete and on disk */
    MMS_STEP_PAGES_CHANGED,      /**< one map's new bytes were copied in (not synced) */
    MMS_STEP_PAGES_SYNCED,       /**< that map was msync()ed */
    MMS_STEP_FILE_SYNCED,        /**< the file was fsync()ed */
    MMS_STEP_COMMIT_WRITTEN,     /**< the commit record was written (not synced) */
    MMS_STEP_COMMIT_SYNCED,      /**< the commit record is on disk: the edit is final */
    MMS_STEP_JOURNAL_DONE,       /**< the journal was removed or moved to keep_journal */
    MMS_STEP_ROLLBACK_MARKED,    /**< undo: the journal says a rollback has begun */
    MMS_STEP_ROLLBACK_WRITTEN,   /**< recovery or undo: old bytes written (not synced) */
    MMS_STEP_ROLLBACK_SYNCED,    /**< recovery or undo: the file holds its old bytes */
} mms_edit_step;

/** "journal-record", "journal-synced", ...: a short name of a step. */
MMS_API const char *mms_edit_step_name(mms_edit_step step);

/** Called after each durable step. */
typedef void (*mms_edit_step_fn)(void *ctx, mms_edit_step step);

/** How a file is opened for editing. */
typedef struct mms_edit_options {
    /** Open for reading only, with a shared lock, for mms_edit_preview():
     *  nothing is written, and an unfinished edit is refused rather than
     *  recovered. */
    bool read_only;
    /** Edit the file a symbolic link points to (refused otherwise). */
    bool follow_symlinks;
    /** NULL: the journal is removed after the commit.  Otherwise it is
     *  moved to this path (which must not exist and must be on the file's
     *  file system) for mms_edit_undo().  The path is in the journal from
     *  the start: after a crash between the commit and the move, recovery
     *  moves it there (when the journal is the recovering user's own). */
    const char *keep_journal;
    /** The largest writable map; 0 means MMS_DEFAULT_WINDOW. */
    uint64_t max_map;
    mms_edit_step_fn on_step; /**< NULL, or called after each durable step */
    void *step_ctx;
} mms_edit_options;

/** What a pending journal found at mms_edit_open() meant. */
typedef enum mms_recovery {
    MMS_RECOVERY_NONE = 0,    /**< no journal: nothing to do */
    MMS_RECOVERY_DISCARDED,   /**< the journal was unfinished, the file untouched:
                                   the journal was removed */
    MMS_RECOVERY_ROLLED_BACK, /**< an edit was cut short: the old bytes were
                                   written back and the journal removed */
    MMS_RECOVERY_COMMITTED,   /**< the edit had been committed: the journal was removed */
} mms_recovery;

/** What an edit changed (or, for a preview, would change). */
typedef struct mms_edit_result {
    uint64_t edits;     /**< edits that change bytes */
    uint64_t unchanged; /**< edits whose new bytes were already in place */
    uint64_t bytes;     /**< bytes in the edits that change bytes */
    uint64_t pages;     /**< pages written */
    uint64_t maps;      /**< writable maps made (0 for a preview) */
    uint64_t journal_bytes; /**< size of the journal (0 for a preview) */
} mms_edit_result;

/** A file opened for editing. */
typedef struct mms_edit_file mms_edit_file;

/**
 * Opens a regular file for in-place edits: refuses a symbolic link (unless
 * follow_symlinks), a read-only file or file system, a file another
 * process is editing; takes the advisory lock; and, unless read_only,
 * recovers a pending journal of an earlier edit (see mms_edit_recovered()).
 * @return 0, MMS_EOPEN, MMS_EISDIR, MMS_EINVAL (not a regular file),
 *         MMS_ESYMLINK, MMS_EREADONLY, MMS_ELOCKED, MMS_EJOURNAL (a journal
 *         that belongs to another file or cannot be read; with read_only,
 *         an unfinished edit; an unfinished edit of the same file through
 *         another hard link in its directory, to be recovered first), MMS_EIO
 *         or MMS_ENOMEM.  Nothing is changed after an error.
 */
MMS_API int mms_edit_open(mms_edit_file **out, const char *path,
                          const mms_edit_options *options, mms_error *err);

/** Closes the file and releases the lock.  Accepts NULL. */
MMS_API void mms_edit_close(mms_edit_file *file);

/** The open descriptor (for a read-only scan with mms_engine_scan_fd()). */
MMS_API int mms_edit_fd(const mms_edit_file *file);

/** What mms_edit_open() did with a pending journal. */
MMS_API mms_recovery mms_edit_recovered(const mms_edit_file *file);

/** One change as mms_edit_preview() shows it: a piece of at most 64 KiB
 *  of one edit. */
typedef struct mms_edit_change {
    uint64_t offset;          /**< file offset of the edit */
    uint64_t length;          /**< bytes in the edit */
    uint64_t piece;           /**< where in the edit old_bytes[0] is */
    size_t piece_length;
    const unsigned char *old_bytes; /**< what the file holds */
    const unsigned char *new_bytes; /**< what the edit writes */
} mms_edit_change;

/** Receives changes in file order; non-zero stops the preview. */
typedef int (*mms_edit_change_fn)(void *ctx, const mms_edit_change *change);

/**
 * Checks edits against the file as mms_edit_apply() would (bounds,
 * overlaps, expected bytes) and shows, in file order, every edit that
 * would change bytes.  Writes nothing.
 * @param on_change  NULL, or called for each piece of each changing edit
 * @param out        NULL, or receives what the edit would change
 * @return 0, MMS_EINVAL (edits overlap or reach past the end of the file),
 *         MMS_EMISMATCH (expected bytes differ), MMS_EIO.
 */
MMS_API int mms_edit_preview(mms_edit_file *file, mms_edits *edits,
                             mms_edit_change_fn on_change, void *ctx,
                             mms_edit_result *out, mms_error *err);

/**
 * Applies edits, all or nothing (see the top of this section).  Edits
 * whose bytes are already in place are skipped; with none left, no
 * journal is made and nothing is written.
 * @return 0, or the errors of mms_edit_preview(), MMS_EREADONLY (the file
 *         was opened read_only), MMS_EJOURNAL (the journal cannot be made),
 *         MMS_EIO, MMS_ETRUNCATED (the file shrank or a page could not be
 *         written), MMS_ENOMEM.  After an error the file holds its old bytes:
 *         rolled back at once when possible, otherwise by the journal at the
 *         next mms_edit_open().
 */
MMS_API int mms_edit_apply(mms_edit_file *file, mms_edits *edits, mms_edit_result *out,
                           mms_error *err);

/**
 * Recovers a file from a crashed edit: mms_edit_open() and mms_edit_close().
 * @param out  receives what was done
 * @return as mms_edit_open().
 */
MMS_API int mms_edit_recover(const char *path, const mms_edit_options *options,
                             mms_recovery *out, mms_error *err);

/**
 * Restores the bytes a kept journal recorded, in the file it names, if the
 * edited bytes are still as the edit left them; then removes the journal.
 * While it runs, the journal also has the file's own journal name (a link,
 * so it must be on the file's file system): an undo cut short by a crash
 * is finished by running it again, or by the next mms_edit_open() of the
 * file; an undo run again after that writes nothing.
 * @param journal  a journal kept with mms_edit_options.keep_journal
 * @param options  how to open the file (keep_journal is ignored)
 * @param path_out NULL, or receives the file's path (free() it)
 * @return 0, MMS_EJOURNAL (not a committed journal; on another file
 *         system; or an undo cut short that a recovery of the file finished,
 *         the file may have changed since: nothing is written),
 *         MMS_EMISMATCH (the file changed since the edit: nothing is
 *         written), or the errors of mms_edit_open().
 */
MMS_API int mms_edit_undo(const char *journal, const mms_edit_options *options,
                          char **path_out, mms_error *err);

/**
 * The journal path of a file: ".NAME.mmscan-undo" in the file's directory
 * (for a NAME too long for that to be a file name, more than 242 bytes:
 * its first 200 bytes, '-' and the XXH64 of all of it in 16 hex digits).
 * @return a new string (free() it), or NULL when out of memory.
 */
MMS_API char *mms_edit_journal_path(const char *path);

/**
 * Another name of the file at path (a hard link in the same directory)
 * through which an edit was cut short: the file's bytes may be half-edited
 * although no journal is named after path itself, and mms_edit_recover()
 * of that name puts them back.  (mms_edit_open() of path refuses, with
 * MMS_EJOURNAL, while that is so.)
 * @return that name, as the edit's journal records it (free() it), or NULL
 *         when there is none (or no memory to say).
 */
MMS_API char *mms_edit_pending_elsewhere(const char *path);

/*
 * SIGBUS
 * A mapped file that shrinks under a scan makes the kernel send SIGBUS when
 * a processor reads past the new end.  The first scan of a mapped input
 * installs (once per process) a SIGBUS handler with sigaction(SA_SIGINFO |
 * SA_ONSTACK | SA_NODEFER).  It acts only when the fault address lies in a
 * window that a processor is reading on the faulting thread: the scan then
 * returns MMS_ETRUNCATED.  Any other SIGBUS goes to the handler that was
 * installed before (or the default action).
 */

#ifdef __cplusplus
}
#endif

#endif /* MMSCAN_H */
