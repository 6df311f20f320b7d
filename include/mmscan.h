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
#define MMS_PROCESSOR_ABI 1

/** The processor needs the input in order, on one thread. */
#define MMS_PROC_ORDERED    (1u << 0)
/**
 * The processor can work on several contiguous parts of the input at once.
 * With more than one thread, the engine cuts the input into contiguous
 * parts, gives each part its own state made by split(), feeds each part's
 * chunks in order, and at the end calls merge(self, part) for every part in
 * input order: self always covers the input just before part.
 */
#define MMS_PROC_SPLITTABLE (1u << 1)
/** The processor changes the bytes it is given (reserved for edits). */
#define MMS_PROC_WRITES     (1u << 2)

/**
 * The table of functions that makes a processor.  Fill it with designated
 * initializers in a static const object.  The table only ever grows by
 * appending members; abi tells the engine which members exist.
 *
 * Every function that returns int returns 0 or a negative MMS_E* code and,
 * on failure, fills err (MMS_EPROC for failures of the processor's own).
 * A failure stops the scan; the engine then calls no other member but
 * destroy (for part states).
 */
typedef struct mms_processor_ops {
    /** MMS_PROCESSOR_ABI when the table was written. */
    unsigned abi;
    /** A short lowercase name ("wc", "xxh64"), for messages. */
    const char *name;
    /** MMS_PROC_* flags. */
    unsigned flags;
    /** Bytes of the previous chunk to repeat at the start of the next one
     *  (see mms_chunk.overlap).  NULL means 0. */
    size_t (*overlap)(const void *self);
    /** Consumes one chunk.  Required. */
    int (*chunk)(void *self, const mms_chunk *chunk, mms_error *err);
    /** SPLITTABLE only: a new, empty state with self's settings, or NULL
     *  when out of memory. */
    void *(*split)(const void *self);
    /** SPLITTABLE only: folds the results of part, which covers the input
     *  right after what self covers, into self.  part is destroyed after. */
    int (*merge)(void *self, void *part, mms_error *err);
    /** End of input: compute final results.  NULL means nothing to do. */
    int (*finish)(void *self, mms_error *err);
    /** Frees a state (self or a part).  NULL means nothing to free. */
    void (*destroy)(void *self);
} mms_processor_ops;

/** A processor: an ops table and the state it works on. */
typedef struct mms_processor mms_processor;

/**
 * Wraps a user-written processor.
 * @param out   receives the new processor
 * @param ops   the table; must outlive the processor
 * @param self  the state; ownership passes to the processor, which calls
 *              ops->destroy(self) when freed (also when this call fails)
 * @return 0, MMS_EINVAL (NULL ops or chunk, SPLITTABLE without split and
 *         merge), MMS_EABI (abi is 0 or newer than this library) or MMS_ENOMEM.
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
    /** MADV_SEQUENTIAL, and MADV_WILLNEED on the next window. */
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
} mms_input_mode;

/** What the last scan did; for reports and tests. */
typedef struct mms_scan_info {
    mms_input_mode mode;
    uint64_t bytes;        /**< input bytes given to the processors */
    uint64_t map_calls;    /**< mmap() calls made */
    uint64_t bytes_mapped; /**< sum of the lengths of all maps */
    uint64_t chunks;       /**< chunks given to each processor */
    unsigned parts;        /**< contiguous parts scanned at once */
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
 * bring fewer).  It is rounded up to a multiple of the page size.
 * @return 0, or MMS_EINVAL if bytes is below one page or above 1 TiB; the
 *         setting is then unchanged.
 */
MMS_API int mms_engine_set_window(mms_engine *engine, uint64_t bytes, mms_error *err);

/** The window size in bytes, after rounding. */
MMS_API uint64_t mms_engine_get_window(const mms_engine *engine);

/** Sets the access advice (default MMS_ADVICE_AUTO). */
MMS_API void mms_engine_set_advice(mms_engine *engine, mms_advice advice);

/**
 * Sets how many threads may scan parts of one file at once (splittable
 * processors only).  0, the default, means the number of online CPUs.
 */
MMS_API void mms_engine_set_threads(mms_engine *engine, unsigned threads);

/**
 * Attaches a processor: every later scan feeds it.  The engine does not take
 * ownership; the processor must outlive the engine or be detached first.
 * @return 0, MMS_EBUSY (already attached) or MMS_ENOMEM.
 */
MMS_API int mms_engine_add(mms_engine *engine, mms_processor *proc, mms_error *err);

/** Detaches every processor. */
MMS_API void mms_engine_clear(mms_engine *engine);

/**
 * Scans one input in one pass, feeding every attached processor, then calls
 * their finish().  If every processor is splittable and more than one thread
 * is allowed, contiguous parts of a mapped file are scanned at once.
 * @param path  a file, "-" for standard input, or "shm:NAME" for the POSIX
 *              shared memory object NAME
 * @return 0, or MMS_EOPEN, MMS_EISDIR, MMS_EIO, MMS_ETRUNCATED, MMS_ENOMEM,
 *         MMS_ETHREAD, or what a processor returned.  After a failure the
 *         processors hold partial results; free them or scan again.
 */
MMS_API int mms_engine_scan_path(mms_engine *engine, const char *path, mms_error *err);

/**
 * Like mms_engine_scan_path(), for an open descriptor (not closed, and its
 * file position is not used; a stream is read from its current position).
 */
MMS_API int mms_engine_scan_fd(mms_engine *engine, int fd, mms_error *err);

/** What the last scan did (zeros before the first scan). */
MMS_API void mms_engine_get_info(const mms_engine *engine, mms_scan_info *out);

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
