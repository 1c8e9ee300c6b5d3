#define _GNU_SOURCE
#include "lrsched_kernels.h"

/* No fused multiply-adds but the explicit fma() calls, whatever the flags (a package
 * resolved by version gets no -ffp-contract=off). */
#pragma STDC FP_CONTRACT OFF

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- BLAS -------------------------------------------------------------------------- */

#ifndef LRSCHED_NO_BLAS
/* cblas.h's declarations (OpenBLAS), written out so that no BLAS header path is needed. */
enum { CblasRowMajor = 101 };
enum { CblasNoTrans = 111, CblasTrans = 112 };
extern void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                        const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
extern void openblas_set_num_threads(int n);
#endif

int lrskern_blas_available(void) {
#ifdef LRSCHED_NO_BLAS
    return 0;
#else
    return 1;
#endif
}

/* ---- Threads ----------------------------------------------------------------------- */

static atomic_int num_threads;          /* 0: not decided yet */
static atomic_int blas_threads_applied; /* the count last given to the BLAS, 0: none */
static pthread_mutex_t blas_threads_lock = PTHREAD_MUTEX_INITIALIZER;

int lrskern_default_num_threads(void) {
    const char *env = getenv("LRSCHED_NUM_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v >= 1 && v <= 4096) return (int)v;
    }
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int c = CPU_COUNT(&set);
        if (c >= 1) return c;
    }
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c >= 1 ? (int)c : 1;
}

int lrskern_num_threads(void) {
    int n = atomic_load(&num_threads);
    if (n > 0) return n;
    int d = lrskern_default_num_threads();
    int expected = 0;
    atomic_compare_exchange_strong(&num_threads, &expected, d);
    return atomic_load(&num_threads);
}

void lrskern_set_num_threads(int n) {
    atomic_store(&num_threads, n < 1 ? 1 : n);
}

#ifndef LRSCHED_NO_BLAS
/* The BLAS's own count is process-wide: applied before a product when it changed. */
static void apply_blas_threads(void) {
    int n = lrskern_num_threads();
    if (atomic_load_explicit(&blas_threads_applied, memory_order_acquire) == n) return;
    pthread_mutex_lock(&blas_threads_lock);
    if (atomic_load(&blas_threads_applied) != n) {
        openblas_set_num_threads(n);
        atomic_store_explicit(&blas_threads_applied, n, memory_order_release);
    }
    pthread_mutex_unlock(&blas_threads_lock);
}
#endif

void lrskern_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a,
                   long lda, const float *b, long ldb, float beta, float *c, long ldc) {
#ifdef LRSCHED_NO_BLAS
    (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda;
    (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
    abort();
#else
    apply_blas_threads();
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
#endif
}

/* ---- SGD --------------------------------------------------------------------------- */

/* The loop body, instantiated twice: with the CPU's FMA instructions and portable. The
 * flags are loop-invariant (the compiler unswitches them). Compiled with
 * -ffp-contract=off: only the written fmaf calls fuse. */
#define SGD_BODY                                                                           \
    for (size_t i = 0; i < n; i++) {                                                       \
        float d = maximize ? -g[i] : g[i];                                                 \
        if (use_wd) d = fmaf(w[i], wd, d);                                                 \
        if (buf) {                                                                         \
            float bi = first ? d : fmaf(d, one_minus_damp, buf[i] * momentum);            \
            buf[i] = bi;                                                                   \
            d = nesterov ? fmaf(bi, momentum, d) : bi;                                     \
        }                                                                                  \
        w[i] = fmaf(d, neg_lr, w[i]);                                                      \
    }

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2,fma")))
static void sgd_step_fma(float *restrict w, float *restrict buf, const float *restrict g, size_t n,
                         float neg_lr, float wd, float momentum, float one_minus_damp, int use_wd,
                         int first, int nesterov, int maximize) {
    SGD_BODY
}
#define HAVE_FMA_VARIANT 1
#endif

static void sgd_step_portable(float *restrict w, float *restrict buf, const float *restrict g, size_t n,
                              float neg_lr, float wd, float momentum, float one_minus_damp, int use_wd,
                              int first, int nesterov, int maximize) {
    SGD_BODY
}

void lrskern_sgd_step(float *w, float *buf, const float *g, size_t n, float neg_lr, float wd,
                      float momentum, float one_minus_damp, int use_wd, int first, int nesterov,
                      int maximize) {
#ifdef HAVE_FMA_VARIANT
    if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")) {
        sgd_step_fma(w, buf, g, n, neg_lr, wd, momentum, one_minus_damp, use_wd, first, nesterov, maximize);
        return;
    }
#endif
    sgd_step_portable(w, buf, g, n, neg_lr, wd, momentum, one_minus_damp, use_wd, first, nesterov, maximize);
}

/* ---- ReLU -------------------------------------------------------------------------- */

/* Selects, not branches: the sign pattern of activations is random, so a branch per
 * element mispredicts half the time. Both operands are loaded unconditionally so that
 * the compiler may turn the select into vector compares and masks. */
void lrskern_relu(float *restrict out, const float *restrict x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        out[i] = v < 0.0f ? 0.0f : v;
    }
}

void lrskern_relu_backward(float *restrict out, const float *restrict g, const float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float gi = g[i], yi = y[i];
        out[i] = yi <= 0.0f ? 0.0f : gi;
    }
}
