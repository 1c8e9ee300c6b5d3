/* Tiny assertion helpers shared by the C test programs (not installed). */
#ifndef LRSCHED_TESTUTIL_H
#define LRSCHED_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include "lrsched.h"

static int test_failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

/* expr must return `want`; a failing status must leave a non-empty last error. */
#define CHECK_RC(expr, want)                                                          \
    do {                                                                              \
        int rc_ = (expr);                                                             \
        int want_ = (want);                                                           \
        if (rc_ != want_) {                                                           \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d (%s); last error: %s\n", \
                    __FILE__, __LINE__, #expr, rc_, lrsched_status_string(rc_), want_, \
                    lrsched_status_string(want_), lrsched_last_error());              \
            test_failures++;                                                          \
        } else if (rc_ != LRSCHED_OK && lrsched_last_error()[0] == '\0') {            \
            fprintf(stderr, "%s:%d: %s failed with an empty last error\n", __FILE__,  \
                    __LINE__, #expr);                                                 \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

#define OK(expr) CHECK_RC(expr, LRSCHED_OK)

/* Like CHECK_RC, and the last error must contain `needle`. */
#define CHECK_ERR(expr, want, needle)                                                 \
    do {                                                                              \
        CHECK_RC(expr, want);                                                         \
        if (!strstr(lrsched_last_error(), (needle))) {                                \
            fprintf(stderr, "%s:%d: last error \"%s\" does not contain \"%s\"\n",     \
                    __FILE__, __LINE__, lrsched_last_error(), (needle));              \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

/* Bit-for-bit equality of two doubles. */
static inline int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static inline int same_array(const double *a, const double *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!same_bits(a[i], b[i])) return 0;
    return 1;
}

#endif
