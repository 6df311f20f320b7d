/* util.c - facts about the system and the library. */
#include "config.h"
#include "internal.h"

#include <unistd.h>

const char *mms_version(void)
{
    return PACKAGE_VERSION;
}

size_t mms_page_size(void)
{
    static size_t page;
    if (!page) {
        long n = sysconf(_SC_PAGESIZE);
        page = n > 0 ? (size_t)n : 4096;
    }
    return page;
}

unsigned mms_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

const char *mms_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
