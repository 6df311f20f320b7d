/* size.c - sizes with K, M, G, T, P suffixes (powers of 1024). */
#include "config.h"
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The power of 1024 a suffix stands for, or -1 when it is not a suffix. */
static int suffix_power(const char *s)
{
    static const char letters[] = "KMGTP";
    if (*s == '\0')
        return 0;
    if (*s == 'b' || *s == 'B')
        return s[1] == '\0' ? 0 : -1;
    const char *hit = strchr(letters, toupper((unsigned char)*s));
    if (!hit)
        return -1;
    const char *rest = s + 1;
    if (strcmp(rest, "") && strcmp(rest, "B") && strcmp(rest, "iB") && strcmp(rest, "b"))
        return -1;
    return (int)(hit - letters) + 1;
}

int mms_parse_size(const char *text, uint64_t *out, mms_error *err)
{
    if (!text || !isdigit((unsigned char)text[0]))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid size '%s'", text ? text : "");
    char *end;
    errno = 0;
    unsigned long long whole = strtoull(text, &end, 10);
    if (errno == ERANGE)
        return mms_error_set(err, MMS_EINVAL, 0, "size '%s' is too large", text);
    double fraction = 0;
    if (*end == '.') {
        /* Digits only, which strtod() reads from a copy: on the text
         * itself it would take an exponent ("1.5e3") or a hex float too. */
        char digits[32] = "0.";
        size_t n = strspn(end + 1, "0123456789");
        if (n == 0 || n > sizeof digits - 3)
            return mms_error_set(err, MMS_EINVAL, 0, "invalid size '%s'", text);
        memcpy(digits + 2, end + 1, n);
        fraction = strtod(digits, NULL);
        end += 1 + n;
    }
    int power = suffix_power(end);
    if (power < 0)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid size '%s'", text);
    if (power == 0) {
        if (fraction != 0)
            return mms_error_set(err, MMS_EINVAL, 0, "invalid size '%s' (a fraction of a byte)", text);
        *out = whole; /* exact, even above 2^53 */
        return 0;
    }
    double value = ((double)whole + fraction) * pow(1024.0, power);
    if (value >= 18446744073709551616.0)
        return mms_error_set(err, MMS_EINVAL, 0, "size '%s' is too large", text);
    *out = (uint64_t)value;
    return 0;
}
