/* Per-thread state of the C ABI layer; see include/lrsched_shims.h. */
#include "lrsched_shims.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Short messages live in a per-thread array (no allocation). Longer ones go to a heap
 * buffer owned by the thread, registered under a pthread key whose destructor frees
 * it when the thread exits; if that allocation fails the message is truncated into
 * the array instead. */
#define INLINE_CAP 512

static _Thread_local char tls_inline[INLINE_CAP];
static _Thread_local char *tls_heap;       /* NULL or a buffer of tls_heap_cap bytes */
static _Thread_local size_t tls_heap_cap;
static _Thread_local const char *tls_current;  /* NULL: no failure yet */
static _Thread_local int tls_callback_depth;

static pthread_key_t heap_key;
static int heap_key_ok;
static pthread_once_t heap_key_once = PTHREAD_ONCE_INIT;

static void make_key(void) { heap_key_ok = pthread_key_create(&heap_key, free) == 0; }

void lrschedshim_set_last_error(const char *msg, size_t len) {
    if (msg == NULL) len = 0;
    if (len < INLINE_CAP) {
        if (len) memcpy(tls_inline, msg, len);
        tls_inline[len] = '\0';
        tls_current = tls_inline;
        return;
    }
    if (tls_heap_cap < len + 1) {
        pthread_once(&heap_key_once, make_key);
        char *m = heap_key_ok ? malloc(len + 1) : NULL;
        if (m == NULL || pthread_setspecific(heap_key, m) != 0) {
            free(m);
            /* Truncate into the array; the old heap buffer stays registered. */
            memcpy(tls_inline, msg, INLINE_CAP - 4);
            memcpy(tls_inline + INLINE_CAP - 4, "...", 4);
            tls_current = tls_inline;
            return;
        }
        free(tls_heap);
        tls_heap = m;
        tls_heap_cap = len + 1;
    }
    memcpy(tls_heap, msg, len);
    tls_heap[len] = '\0';
    tls_current = tls_heap;
}

const char *lrschedshim_last_error(void) { return tls_current ? tls_current : ""; }

int lrschedshim_callback_depth(void) { return tls_callback_depth; }
void lrschedshim_callback_enter(void) { tls_callback_depth++; }
void lrschedshim_callback_leave(void) { tls_callback_depth--; }
