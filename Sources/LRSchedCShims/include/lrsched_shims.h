/*
 * Internal helpers of liblrsched.so's C ABI layer (Sources/LRSchedCAPI): per-thread
 * storage that Swift cannot declare itself. Not installed, not part of the ABI: every
 * symbol is hidden (and the version script keeps only lrsched_* exported).
 */
#ifndef LRSCHED_SHIMS_H
#define LRSCHED_SHIMS_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#  define LRSCHEDSHIM_HIDDEN __attribute__((visibility("hidden")))
#else
#  define LRSCHEDSHIM_HIDDEN
#endif

/** Copies `len` bytes of `msg` (no NUL needed) into this thread's last-error buffer,
 *  replacing the previous message. Out of memory: a static fallback message. */
LRSCHEDSHIM_HIDDEN void lrschedshim_set_last_error(const char *msg, size_t len);

/** This thread's last-error message; "" when none. Valid until the next
 *  lrschedshim_set_last_error on the same thread (freed when the thread exits). */
LRSCHEDSHIM_HIDDEN const char *lrschedshim_last_error(void);

/** Depth of lr-function callbacks running on this thread (0 outside callbacks). */
LRSCHEDSHIM_HIDDEN int lrschedshim_callback_depth(void);
LRSCHEDSHIM_HIDDEN void lrschedshim_callback_enter(void);
LRSCHEDSHIM_HIDDEN void lrschedshim_callback_leave(void);

#endif /* LRSCHED_SHIMS_H */
