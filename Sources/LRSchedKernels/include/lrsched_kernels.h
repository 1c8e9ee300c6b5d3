/*
 * Compute kernels of LRSchedTraining that Swift cannot express well: the BLAS sgemm
 * (OpenBLAS, linked statically), the thread setting, and the SGD update with hardware
 * fused multiply-adds chosen at run time. Not installed, not part of the C ABI: every
 * symbol is hidden (and lrsched.map exports only lrsched_*).
 */
#ifndef LRSCHED_KERNELS_H
#define LRSCHED_KERNELS_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#  define LRSKERN_HIDDEN __attribute__((visibility("hidden")))
#else
#  define LRSKERN_HIDDEN
#endif

/** 1 when sgemm goes to a BLAS, 0 when built without one (LRSCHED_BLAS=none). */
LRSKERN_HIDDEN int lrskern_blas_available(void);

/** Row-major C[m,n] = alpha·op(A)·op(B) + beta·C (cblas_sgemm's contract): op(A) is
 *  [m,k] (A stored [k,m] when trans_a), op(B) is [k,n] (B stored [n,k] when trans_b).
 *  Precondition: lrskern_blas_available(); m, n, k > 0. */
LRSKERN_HIDDEN void lrskern_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
                                  const float *a, long lda, const float *b, long ldb, float beta,
                                  float *c, long ldc);

/** The threads the library's kernels use: LRSCHED_NUM_THREADS when it is a positive
 *  integer, else the CPUs this process may run on (sched_getaffinity), until
 *  lrskern_set_num_threads. */
LRSKERN_HIDDEN int lrskern_num_threads(void);
/** Sets the thread count (n >= 1; the caller checks). */
LRSKERN_HIDDEN void lrskern_set_num_threads(int n);
/** The default: LRSCHED_NUM_THREADS or the available CPUs (what an unset count is). */
LRSKERN_HIDDEN int lrskern_default_num_threads(void);

/** One SGD step over n elements (torch's _single_tensor_sgd), in place on w and buf:
 *     d = maximize ? -g : g;  if (use_wd) d = fma(w, wd, d)
 *     if (buf): buf = first ? d : fma(d, one_minus_damp, buf * momentum)
 *               d = nesterov ? fma(buf, momentum, d) : buf
 *     w = fma(d, neg_lr, w)
 *  buf is NULL without momentum. Every fma is a single rounding (hardware FMA when the
 *  CPU has it, else libm's fmaf: the same results). */
LRSKERN_HIDDEN void lrskern_sgd_step(float *w, float *buf, const float *g, size_t n, float neg_lr,
                                     float wd, float momentum, float one_minus_damp, int use_wd,
                                     int first, int nesterov, int maximize);

/** out[i] = x[i] < 0 ? 0 : x[i] (NaN stays NaN), branch-free (vectorized). */
LRSKERN_HIDDEN void lrskern_relu(float *out, const float *x, size_t n);

/** out[i] = y[i] <= 0 ? 0 : g[i] (the mask from the ReLU's output), branch-free. */
LRSKERN_HIDDEN void lrskern_relu_backward(float *out, const float *g, const float *y, size_t n);

#endif /* LRSCHED_KERNELS_H */
