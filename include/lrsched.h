/*
 * lrsched.h — the C interface of liblrsched.so.
 *
 * PyTorch's learning-rate schedulers (torch 2.15, bit for bit) over an optimizer state
 * of parameter groups. The library is written in Swift; this header is its contract.
 *
 * Copyright 2026 the lrsched authors. SPDX-License-Identifier: Apache-2.0 (see LICENSE).
 *
 * Conventions
 * -----------
 * - Every name starts with lrsched_ / LRSCHED_. Handles are opaque: no struct layout
 *   is part of the ABI.
 * - Fallible calls return an int status: LRSCHED_OK (0) on success, otherwise one of
 *   the LRSCHED_* codes below; outputs go through pointer arguments, written only on
 *   success (size queries excepted, see "Buffers"). After a failure,
 *   lrsched_last_error() describes it. Objects stay usable after any failure; a
 *   failing call changes nothing unless its documentation says otherwise.
 * - Status codes name the Python exception torch raises in the same situation
 *   (ValueError, TypeError, ...), so bindings map them one to one. New codes are only ever
 *   appended (the next is 12); a binding treats a non-zero code it does not know as a
 *   runtime error (Python: RuntimeError).
 * - Nothing in this library aborts the process on bad input: NULL pointers, wrong
 *   counts, unknown enum values, malformed JSON and non-finite numbers are reported
 *   through the status. An array argument (p, n) with n == 0 may pass p == NULL; with
 *   n > 0, p == NULL is LRSCHED_NULL_ARGUMENT. A count that does not fit the library's
 *   signed 64-bit sizes, or an array larger than an address space could hold, is
 *   LRSCHED_VALUE_ERROR. Boolean int arguments: non-zero is true.
 * - A live handle of the other kind (a scheduler passed as an optimizer, or the
 *   reverse) is LRSCHED_TYPE_ERROR; the free functions ignore it. Dangling or forged
 *   handles cannot be detected.
 * - Strings passed in are UTF-8 with an explicit length; pass LRSCHED_NUL_TERMINATED as
 *   the length to have the library use strlen(). Strings returned as const char * are
 *   owned by the library (static, or valid until the documented point).
 *
 * Buffers
 * -------
 * Functions that write a variable number of values take (buf, capacity, *count). They
 * always set *count to the number of values available. When buf is NULL or capacity is
 * smaller than that, they write nothing else and return LRSCHED_BUFFER_TOO_SMALL (or
 * LRSCHED_OK when buf is NULL and capacity is 0: a pure size query). JSON outputs count
 * bytes including the terminating NUL.
 *
 * Ownership and threads
 * ---------------------
 * - An optimizer is reference counted: lrsched_optimizer_free() drops the caller's
 *   reference, and every scheduler built on it holds one more. A scheduler therefore
 *   keeps its optimizer alive; freeing them in any order is safe.
 * - A composite scheduler (SequentialLR, ChainedScheduler) holds references to its
 *   children; the caller may free its own child handles at any time.
 * - Objects are not thread-safe: use one optimizer, and the schedulers built on it,
 *   from one thread at a time. Separate objects may be used on separate threads
 *   concurrently. The last-error message is per thread.
 * - Callbacks are called on the calling thread, during the call that steps (or
 *   constructs, or previews, or trains). While a callback runs, calls on that thread
 *   that modify an optimizer or scheduler or build a scheduler (add_group, set, unset,
 *   state_load, set_last_epoch, get_lr, every *_create but lrsched_optimizer_create* and
 *   lrsched_model_create*, every step) fail with LRSCHED_RUNTIME_ERROR; reading calls,
 *   previews and frees work. Freeing the scheduler being stepped from its own callback
 *   is safe: it lives until the step returns. Models, SGD and trainers: see "Training".
 */
#ifndef LRSCHED_H
#define LRSCHED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define LRSCHED_API __attribute__((visibility("default")))
#else
#  define LRSCHED_API
#endif

/* ------------------------------------------------------------------------------------
 * Versions
 * ---------------------------------------------------------------------------------- */

#define LRSCHED_VERSION_MAJOR 0
#define LRSCHED_VERSION_MINOR 2
#define LRSCHED_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH */
#define LRSCHED_VERSION_NUMBER (LRSCHED_VERSION_MAJOR * 10000 + LRSCHED_VERSION_MINOR * 100 + LRSCHED_VERSION_PATCH)
/** The ABI this header describes; equals lrsched_abi_version() of a matching library
 *  and the number in the SONAME (liblrsched.so.0).
 *  ABI policy: releases within one ABI version (liblrsched.so.0) only add — functions,
 *  status codes, flags, enum values — and never remove or change a function's signature
 *  or meaning, so a program built against an older header of the same ABI runs on a
 *  newer library. Anything else raises LRSCHED_ABI_VERSION and the SONAME. Exempt:
 *  fixes that make a result what torch, transformers or timm give (a saved state's
 *  keys and value types, the status class of an error torch raises); the CHANGELOG lists
 *  each under "Behaviour changes within liblrsched.so.0". 0.1.0 → 0.2.0 had such fixes. */
#define LRSCHED_ABI_VERSION 0

/** The library's version, e.g. "0.2.0". Static storage. */
LRSCHED_API const char *lrsched_version(void);
/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Compare it with
 *  LRSCHED_VERSION_NUMBER to detect a header/library mismatch. */
LRSCHED_API int32_t lrsched_version_number(void);
/** The library's ABI version. Bindings check it on load: it must equal
 *  LRSCHED_ABI_VERSION. */
LRSCHED_API int32_t lrsched_abi_version(void);

/* ------------------------------------------------------------------------------------
 * Status codes and errors
 * ---------------------------------------------------------------------------------- */

#define LRSCHED_OK                     0
#define LRSCHED_VALUE_ERROR            1  /* torch raises ValueError */
#define LRSCHED_TYPE_ERROR             2  /* TypeError */
#define LRSCHED_KEY_ERROR              3  /* KeyError (e.g. a group without initial_lr) */
#define LRSCHED_RUNTIME_ERROR          4  /* RuntimeError */
#define LRSCHED_ZERO_DIVISION_ERROR    5  /* ZeroDivisionError */
#define LRSCHED_NOT_IMPLEMENTED_ERROR  6  /* NotImplementedError */
#define LRSCHED_CALLBACK_FAILED        7  /* an lrsched_lr_fn or lrsched_epoch_fn returned non-zero */
#define LRSCHED_NULL_ARGUMENT          8  /* a required pointer was NULL */
#define LRSCHED_BUFFER_TOO_SMALL       9  /* see "Buffers" */
#define LRSCHED_OUT_OF_MEMORY         10 /* a call would allocate beyond one of the caps
                                             below; refused before allocating (Python:
                                             MemoryError). A failed allocation below the
                                             caps still aborts (the Swift runtime's rule) */
#define LRSCHED_OVERFLOW_ERROR        11 /* OverflowError: a float operation torch runs in
                                             Python overflowed (gamma ** epoch) */

/* Caps on what one call may allocate, checked before allocating (LRSCHED_OUT_OF_MEMORY
 * beyond them, from every path: C, both Python packages, the CLI). */
#define LRSCHED_MAX_PREVIEW_VALUES    67108864 /* 2^26 values (steps x groups, 512 MiB of
                                                  doubles) in one preview or plot */
#define LRSCHED_MAX_CREATED_GROUPS    1048576  /* 2^20 groups when an optimizer is created
                                                  (lrsched_optimizer_create, _from_json,
                                                  Python's Optimizer); add_group adds more */

/** A static, human-readable name for a status code ("ok", "value error", ...).
 *  Unknown codes give "unknown status". Never NULL. */
LRSCHED_API const char *lrsched_status_string(int status);

/** The message of the last failure on the calling thread (torch's message where torch
 *  has one), or "" if no call on this thread has failed. The string stays valid until
 *  the next failing call on the same thread. Successful calls do not clear it. */
LRSCHED_API const char *lrsched_last_error(void);

/** Length to pass for NUL-terminated strings. */
#define LRSCHED_NUL_TERMINATED ((size_t)-1)

/* ------------------------------------------------------------------------------------
 * Optimizer state: parameter groups
 * ---------------------------------------------------------------------------------- */

/** An ordered list of parameter groups, as torch's optimizer.param_groups. Groups
 *  carry hyperparameters only (scheduling-only groups). */
typedef struct lrsched_optimizer lrsched_optimizer;

/* How the optimizer spells momentum: what CyclicLR/OneCycleLR cycle. */
#define LRSCHED_MOMENTUM_SGD    0  /* "momentum" (SGD; present even when 0) */
#define LRSCHED_MOMENTUM_BETAS  1  /* Adam-style "betas": cycling writes betas[0] */
#define LRSCHED_MOMENTUM_NONE   2  /* neither: cycling momentum is a ValueError */

/* Per-group keys (torch's names in comments). */
#define LRSCHED_KEY_LR             0  /* "lr" */
#define LRSCHED_KEY_INITIAL_LR     1  /* "initial_lr" (optional) */
#define LRSCHED_KEY_MOMENTUM       2  /* "momentum" */
#define LRSCHED_KEY_DAMPENING      3  /* "dampening" */
#define LRSCHED_KEY_WEIGHT_DECAY   4  /* "weight_decay" */
#define LRSCHED_KEY_NESTEROV       5  /* "nesterov" (0 or 1) */
#define LRSCHED_KEY_MAXIMIZE       6  /* "maximize" (0 or 1) */
#define LRSCHED_KEY_BETA1          7  /* "betas"[0] (optional; required with LRSCHED_MOMENTUM_BETAS) */
#define LRSCHED_KEY_BETA2          8  /* "betas"[1] (optional) */
#define LRSCHED_KEY_MAX_LR         9  /* "max_lr" (optional; OneCycleLR) */
#define LRSCHED_KEY_MIN_LR        10  /* "min_lr" (optional; OneCycleLR) */
#define LRSCHED_KEY_MAX_MOMENTUM  11  /* "max_momentum" (optional; cycled schedulers) */
#define LRSCHED_KEY_BASE_MOMENTUM 12  /* "base_momentum" (optional; cycled schedulers) */
#define LRSCHED_KEY_LR_SCALE      13  /* "lr_scale" (optional; timm's schedulers write lr * lr_scale) */

/** Creates an optimizer state with n_groups groups, each with lr and momentum (other
 *  hyperparameters 0/false) — SGD(lr=lr, momentum=momentum) with n_groups groups.
 *  With LRSCHED_MOMENTUM_BETAS every group also gets betas (momentum, 0.999).
 *  @return LRSCHED_OK; LRSCHED_VALUE_ERROR for n_groups == 0, negative or non-finite
 *  values (SGD's checks), an unknown momentum_kind; LRSCHED_OUT_OF_MEMORY for n_groups
 *  above LRSCHED_MAX_CREATED_GROUPS (add more with lrsched_optimizer_add_group);
 *  LRSCHED_NULL_ARGUMENT. */
LRSCHED_API int lrsched_optimizer_create(size_t n_groups, double lr, double momentum,
                                         int momentum_kind, lrsched_optimizer **out);

/** Creates an optimizer state from the conformance format's optimizer spec, e.g.
 *  {"lr": 0.1, "momentum": 0.9, "groups": [{"lr": 0.1}, {"lr": 0.01}]}.
 *  @return LRSCHED_OK; LRSCHED_VALUE_ERROR for malformed JSON or invalid values;
 *  LRSCHED_TYPE_ERROR for unknown keys or wrong types; LRSCHED_OUT_OF_MEMORY for more
 *  than LRSCHED_MAX_CREATED_GROUPS groups. */
LRSCHED_API int lrsched_optimizer_create_from_json(const char *spec, size_t len, lrsched_optimizer **out);

/** Drops the caller's reference. NULL is a harmless no-op. */
LRSCHED_API void lrsched_optimizer_free(lrsched_optimizer *opt);

/** Appends a group (torch's add_param_group) with the optimizer's defaults but lr and
 *  momentum (and, for LRSCHED_MOMENTUM_BETAS, betas (momentum, the defaults' betas[1]
 *  or 0.999)). Schedulers already attached step it as torch's do (chainable forms step
 *  it too; forms computed from base_lrs fail at their next step with ValueError, OneCycleLR
 *  with KeyError: added-groups.json). @return LRSCHED_VALUE_ERROR for invalid values. */
LRSCHED_API int lrsched_optimizer_add_group(lrsched_optimizer *opt, double lr, double momentum);

/** The number of groups. */
LRSCHED_API int lrsched_optimizer_group_count(const lrsched_optimizer *opt, size_t *out);

/** LRSCHED_MOMENTUM_* of the optimizer. */
LRSCHED_API int lrsched_optimizer_momentum_kind(const lrsched_optimizer *opt, int *out);

/** Reads key of group. @return LRSCHED_KEY_ERROR when the group does not hold an
 *  optional key; LRSCHED_VALUE_ERROR for a bad group index or key. */
LRSCHED_API int lrsched_optimizer_get(const lrsched_optimizer *opt, size_t group, int key, double *out);

/** Writes key of group (param_groups[group][key] = value). Values are not range-checked
 *  (schedulers write negative lrs legitimately) but must be finite; NESTEROV and
 *  MAXIMIZE take 0 or 1.
 *  @return LRSCHED_VALUE_ERROR for a bad index or key, or a non-finite value. */
LRSCHED_API int lrsched_optimizer_set(lrsched_optimizer *opt, size_t group, int key, double value);

/** Whether group holds key (*out = 1 or 0). */
LRSCHED_API int lrsched_optimizer_has(const lrsched_optimizer *opt, size_t group, int key, int *out);

/** Removes an optional key from group (del param_groups[group][key]); removing an
 *  absent key is not an error. @return LRSCHED_VALUE_ERROR for a required key. */
LRSCHED_API int lrsched_optimizer_unset(lrsched_optimizer *opt, size_t group, int key);

/** Every group's lr (see "Buffers"). */
LRSCHED_API int lrsched_optimizer_lrs(const lrsched_optimizer *opt, double *buf, size_t capacity, size_t *count);

/** The optimizer's state as JSON, torch's optimizer.state_dict() shape:
 *  {"state": {}, "param_groups": [{"lr": ..., "initial_lr": ..., ...}]}
 *  (see "Buffers"; *len counts the terminating NUL). */
LRSCHED_API int lrsched_optimizer_state_save(const lrsched_optimizer *opt, char *buf, size_t capacity, size_t *len);

/** Restores a state saved by lrsched_optimizer_state_save (load_state_dict).
 *  @return LRSCHED_VALUE_ERROR for malformed JSON, a different number of groups or bad
 *  values; nothing changes then. */
LRSCHED_API int lrsched_optimizer_state_load(lrsched_optimizer *opt, const char *json, size_t len);

/* ------------------------------------------------------------------------------------
 * Schedulers
 * ---------------------------------------------------------------------------------- */

/** One torch scheduler attached to an optimizer. Construction performs torch's initial
 *  step (it may change the group lrs), exactly as torch's constructors do. */
typedef struct lrsched_scheduler lrsched_scheduler;

/** An lr function for LambdaLR/MultiplicativeLR: writes the factor for `epoch` to *out
 *  and returns 0, or returns non-zero to abort the step with LRSCHED_CALLBACK_FAILED
 *  (the lrs are then unchanged; the message is "lr_lambda callback returned <rc> at
 *  epoch <epoch>"). A factor that is not finite, or not written at all, aborts the step
 *  with LRSCHED_VALUE_ERROR. See "Ownership and threads" for calls from callbacks. */
typedef int (*lrsched_lr_fn)(int64_t epoch, void *user, double *out);

/** "last_epoch" for a fresh start (torch's default). */
#define LRSCHED_FRESH (-1)
/** An int64 argument left at torch's None (OneCycleLR total_steps/epochs/...). */
#define LRSCHED_UNSET INT64_MIN

/** LambdaLR(opt, lr_lambda, last_epoch). n_fns == 1: one function for every group;
 *  otherwise one per group (n_fns must equal the group count, else ValueError).
 *  user_data may be NULL (every callback gets NULL) or hold n_fns pointers. */
LRSCHED_API int lrsched_lambda_lr_create(lrsched_optimizer *opt, const lrsched_lr_fn *fns, void *const *user_data,
                                         size_t n_fns, int64_t last_epoch, lrsched_scheduler **out);
/** MultiplicativeLR(opt, lr_lambda, last_epoch); arguments as lrsched_lambda_lr_create. */
LRSCHED_API int lrsched_multiplicative_lr_create(lrsched_optimizer *opt, const lrsched_lr_fn *fns,
                                                 void *const *user_data, size_t n_fns, int64_t last_epoch,
                                                 lrsched_scheduler **out);
/** StepLR(opt, step_size, gamma=0.1, last_epoch). step_size 0 fails at the first step
 *  with LRSCHED_ZERO_DIVISION_ERROR, as torch. */
LRSCHED_API int lrsched_step_lr_create(lrsched_optimizer *opt, int64_t step_size, double gamma, int64_t last_epoch,
                                       lrsched_scheduler **out);
/** MultiStepLR(opt, milestones, gamma=0.1, last_epoch); milestones is a multiset. */
LRSCHED_API int lrsched_multistep_lr_create(lrsched_optimizer *opt, const int64_t *milestones, size_t n_milestones,
                                            double gamma, int64_t last_epoch, lrsched_scheduler **out);
/** ConstantLR(opt, factor=1/3, total_iters=5, last_epoch). */
LRSCHED_API int lrsched_constant_lr_create(lrsched_optimizer *opt, double factor, int64_t total_iters,
                                           int64_t last_epoch, lrsched_scheduler **out);
/** LinearLR(opt, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch). */
LRSCHED_API int lrsched_linear_lr_create(lrsched_optimizer *opt, double start_factor, double end_factor,
                                         int64_t total_iters, int64_t last_epoch, lrsched_scheduler **out);
/** ExponentialLR(opt, gamma, last_epoch). */
LRSCHED_API int lrsched_exponential_lr_create(lrsched_optimizer *opt, double gamma, int64_t last_epoch,
                                              lrsched_scheduler **out);
/** PolynomialLR(opt, total_iters=5, power=1.0, last_epoch). */
LRSCHED_API int lrsched_polynomial_lr_create(lrsched_optimizer *opt, int64_t total_iters, double power,
                                             int64_t last_epoch, lrsched_scheduler **out);
/** CosineAnnealingLR(opt, T_max, eta_min=0.0, last_epoch). */
LRSCHED_API int lrsched_cosine_annealing_lr_create(lrsched_optimizer *opt, int64_t t_max, double eta_min,
                                                   int64_t last_epoch, lrsched_scheduler **out);
/** CosineAnnealingWarmRestarts(opt, T_0, T_mult=1, eta_min=0.0, last_epoch). */
LRSCHED_API int lrsched_cosine_annealing_warm_restarts_create(lrsched_optimizer *opt, int64_t t_0, int64_t t_mult,
                                                              double eta_min, int64_t last_epoch,
                                                              lrsched_scheduler **out);
/** SequentialLR(opt, schedulers, milestones, last_epoch). The children must have been
 *  built on opt; n_milestones must be n_children - 1. */
LRSCHED_API int lrsched_sequential_lr_create(lrsched_optimizer *opt, lrsched_scheduler *const *children,
                                             size_t n_children, const int64_t *milestones, size_t n_milestones,
                                             int64_t last_epoch, lrsched_scheduler **out);
/** ChainedScheduler(schedulers, optimizer=opt); opt may be NULL (the first child's). */
LRSCHED_API int lrsched_chained_scheduler_create(lrsched_scheduler *const *children, size_t n_children,
                                                 lrsched_optimizer *opt, lrsched_scheduler **out);

#define LRSCHED_MODE_MIN 0
#define LRSCHED_MODE_MAX 1
#define LRSCHED_THRESHOLD_REL 0
#define LRSCHED_THRESHOLD_ABS 1
/** ReduceLROnPlateau(opt, mode, factor=0.1, patience=10, threshold=1e-4,
 *  threshold_mode, cooldown=0, min_lr=0, eps=1e-8). min_lrs == NULL: the scalar min_lr
 *  for every group (also groups added later); otherwise one value per group
 *  (n_min_lrs must equal the group count). Step it with lrsched_scheduler_step_metric.
 *  An unknown mode or threshold_mode is LRSCHED_VALUE_ERROR, as in torch. */
LRSCHED_API int lrsched_reduce_lr_on_plateau_create(lrsched_optimizer *opt, int mode, double factor,
                                                    int64_t patience, double threshold, int threshold_mode,
                                                    int64_t cooldown, double min_lr, const double *min_lrs,
                                                    size_t n_min_lrs, double eps, lrsched_scheduler **out);

#define LRSCHED_CYCLIC_TRIANGULAR  0
#define LRSCHED_CYCLIC_TRIANGULAR2 1
#define LRSCHED_CYCLIC_EXP_RANGE   2
#define LRSCHED_SCALE_CYCLE        0
#define LRSCHED_SCALE_ITERATIONS   1
/** CyclicLR(opt, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode,
 *  gamma=1.0, scale_mode, cycle_momentum=True, base_momentum=0.8, max_momentum=0.9,
 *  last_epoch). Each per-group list takes 1 value (for every group) or one per group.
 *  step_size_down NULL means None (= step_size_up). scale_mode applies only to custom
 *  scale functions in torch; built-in modes force their own, as torch does.
 *  base_lr and max_lr are required; base_momentum or max_momentum given as (NULL, 0)
 *  take torch's default (0.8, 0.9). Both step sizes 0: LRSCHED_ZERO_DIVISION_ERROR;
 *  an unknown mode or scale_mode: LRSCHED_VALUE_ERROR. */
LRSCHED_API int lrsched_cyclic_lr_create(lrsched_optimizer *opt, const double *base_lr, size_t n_base_lr,
                                         const double *max_lr, size_t n_max_lr, double step_size_up,
                                         const double *step_size_down, int mode, double gamma, int scale_mode,
                                         int cycle_momentum, const double *base_momentum, size_t n_base_momentum,
                                         const double *max_momentum, size_t n_max_momentum, int64_t last_epoch,
                                         lrsched_scheduler **out);

#define LRSCHED_ANNEAL_COS    0
#define LRSCHED_ANNEAL_LINEAR 1
/** OneCycleLR(opt, max_lr, total_steps, epochs, steps_per_epoch, pct_start=0.3,
 *  anneal_strategy, cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
 *  div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch). Pass
 *  LRSCHED_UNSET for total_steps to use epochs * steps_per_epoch (torch's None);
 *  LRSCHED_UNSET there too is torch's "You must define either total_steps OR ..." error.
 *  base_momentum or max_momentum given as (NULL, 0) take torch's default (0.85, 0.95).
 *  Stepping past total_steps is LRSCHED_VALUE_ERROR, lrs unchanged. */
LRSCHED_API int lrsched_one_cycle_lr_create(lrsched_optimizer *opt, const double *max_lr, size_t n_max_lr,
                                            int64_t total_steps, int64_t epochs, int64_t steps_per_epoch,
                                            double pct_start, int anneal_strategy, int cycle_momentum,
                                            const double *base_momentum, size_t n_base_momentum,
                                            const double *max_momentum, size_t n_max_momentum, double div_factor,
                                            double final_div_factor, int three_phase, int64_t last_epoch,
                                            lrsched_scheduler **out);

/** Builds a scheduler (children included) from a JSON spec in the conformance format,
 *  e.g. {"type": "StepLR", "step_size": 4, "gamma": 0.9}, on opt. lr_lambda names are
 *  resolved by the library ("pow095", "inv1p", "const095", "halve_every_3"; others are a
 *  ValueError naming them). Ints and floats keep Python's kinds ("total_steps": 10.0 is
 *  a ValueError, as in torch). */
LRSCHED_API int lrsched_scheduler_create_from_json(lrsched_optimizer *opt, const char *spec, size_t len,
                                                   lrsched_scheduler **out);

/** Flags of an lrsched_lrs_fn call: the construction step (torch's _is_initial), and
 *  torch's _get_closed_form_lr() (step(epoch)) rather than get_lr(). */
#define LRSCHED_LRS_INITIAL     1
#define LRSCHED_LRS_CLOSED_FORM 2

/** A custom scheduler's get_lr(): writes one lr per group to lrs[0..n_groups) for the
 *  step's epoch (last_epoch has already moved to it; flags: LRSCHED_LRS_*) and returns
 *  0, or returns non-zero to abort the step with LRSCHED_CALLBACK_FAILED (nothing
 *  changes). lrs arrive filled with NaN: an lr not written, or not finite, aborts the
 *  step with LRSCHED_VALUE_ERROR. It may read the scheduler and its optimizer (see
 *  "Ownership and threads"). */
typedef int (*lrsched_lrs_fn)(int64_t epoch, int flags, void *user, double *lrs, size_t n_groups);

/** A torch LRScheduler subclass overriding get_lr() (and, when has_closed_form is
 *  non-zero, _get_closed_form_lr(), used by step(epoch)) with fn: torch's
 *  LRScheduler.__init__(opt, last_epoch) up to its last line (initial_lr, base_lrs);
 *  call lrsched_scheduler_initial_step next, which calls fn with LRSCHED_LRS_INITIAL
 *  (left to the caller so that fn can read the scheduler through *out). Then every step
 *  calls fn once. Its type name is "CustomLR"; its state has the base keys
 *  (last_epoch, base_lrs, _step_count, ...). A preview involving it (directly or as a
 *  composite's child) is LRSCHED_NOT_IMPLEMENTED_ERROR: fn reads the scheduler it was
 *  made for, not the preview's copies. */
LRSCHED_API int lrsched_custom_lr_create(lrsched_optimizer *opt, lrsched_lrs_fn fn, void *user, int has_closed_form,
                                         int64_t last_epoch, lrsched_scheduler **out);

/* ---- Specs: any scheduler, key by key --------------------------------------------
 * A spec is the JSON spec of lrsched_scheduler_create_from_json built in memory, one
 * keyword argument at a time, with C lr functions where a scheduler takes functions.
 * Every scheduler the library has (lrsched_describe() lists them with their
 * parameters) is built this way without a constructor of its own:
 *
 *     lrsched_spec *s;
 *     lrsched_spec_create("StepLR", &s);
 *     lrsched_spec_set_int(s, "step_size", 4);
 *     lrsched_spec_set_double(s, "gamma", 0.9);
 *     lrsched_scheduler_create(opt, s, &sched);
 *     lrsched_spec_free(s);
 *
 * Each setter checks the key and the value's kind against the scheduler's parameters,
 * with the JSON path's messages: an unknown key is LRSCHED_TYPE_ERROR ("StepLR.
 * __init__() got an unexpected keyword argument 'x'"), so is a value of the wrong kind
 * ("StepLR: 'step_size' must be an int, got float 10.0"); a failing setter changes
 * nothing. Setting a key again replaces its value. What the scheduler checks itself
 * (ranges, torch's int-or-float rules, enum strings) fails at lrsched_scheduler_create,
 * with torch's error. The caller owns a spec and may free it any time after create;
 * the scheduler keeps no reference to it (but calls the lr functions it was given, so
 * their user data must outlive the scheduler). */
typedef struct lrsched_spec lrsched_spec;

/** A new, empty spec of a scheduler type ("StepLR", ...). Unknown type:
 *  LRSCHED_TYPE_ERROR naming the known ones. */
LRSCHED_API int lrsched_spec_create(const char *type, lrsched_spec **out);
/** Frees a spec. NULL is a harmless no-op. */
LRSCHED_API void lrsched_spec_free(lrsched_spec *spec);
/** key = an int (also accepted where torch takes a float). */
LRSCHED_API int lrsched_spec_set_int(lrsched_spec *spec, const char *key, int64_t value);
/** key = a float. */
LRSCHED_API int lrsched_spec_set_double(lrsched_spec *spec, const char *key, double value);
/** key = True (value != 0) or False. */
LRSCHED_API int lrsched_spec_set_bool(lrsched_spec *spec, const char *key, int value);
/** key = a str (copied): enum arguments such as "mode". */
LRSCHED_API int lrsched_spec_set_string(lrsched_spec *spec, const char *key, const char *value);
/** key = None. */
LRSCHED_API int lrsched_spec_set_null(lrsched_spec *spec, const char *key);
/** key = a list of n ints (copied), e.g. milestones. */
LRSCHED_API int lrsched_spec_set_ints(lrsched_spec *spec, const char *key, const int64_t *values, size_t n);
/** key = a list of n floats (copied): a per-group list. */
LRSCHED_API int lrsched_spec_set_doubles(lrsched_spec *spec, const char *key, const double *values, size_t n);
/** Appends a copy of child (its lr functions included) to the list of child specs key
 *  ("schedulers"); child may be freed afterwards. A key that takes no schedulers:
 *  LRSCHED_TYPE_ERROR. */
LRSCHED_API int lrsched_spec_add_child(lrsched_spec *spec, const char *key, const lrsched_spec *child);
/** key = lr functions (lr_lambda): n == 1 gives one function for every group, n > 1
 *  one per group (n must then equal the group count, as torch's lr_lambda lists), with
 *  user_data[i] (user_data may be NULL). Called as for lrsched_lambda_lr_create.
 *  CyclicLR's scale_fn takes one function (n == 1), called with the cycle number
 *  ("scale_mode": "cycle") or the iteration ("iterations") as the epoch argument; it
 *  writes the scale to *out, as torch's scale_fn(x). */
LRSCHED_API int lrsched_spec_set_lr_fns(lrsched_spec *spec, const char *key, const lrsched_lr_fn *fns,
                                        void *const *user_data, size_t n);
/** A function of a float for a spec (timm's WSDLRScheduler decay_fn(progress) ->
 *  factor): writes f(x) to *out and returns 0, or returns non-zero to abort the step
 *  (or the construction) with LRSCHED_CALLBACK_FAILED; the lrs are then unchanged. A
 *  result that is not finite, or not written, is LRSCHED_VALUE_ERROR. Called during
 *  steps, as lrsched_lr_fn (see "Ownership and threads"). */
typedef int (*lrsched_real_fn)(double x, void *user, double *out);
/** key = a function of a float (a parameter of kind "real_function": timm.WSDLRScheduler's
 *  decay_fn), called with user. Any other key: LRSCHED_TYPE_ERROR. In JSON, the CLI and
 *  lrsched_spec_set_string such a key names one of the library's functions instead. */
LRSCHED_API int lrsched_spec_set_real_fn(lrsched_spec *spec, const char *key, lrsched_real_fn fn, void *user);
/** A spec holding the JSON spec text (json, len; LRSCHED_NUL_TERMINATED allowed) of
 *  lrsched_scheduler_create_from_json, every key checked as by the setters; more keys
 *  (a function, say) may then be set before lrsched_scheduler_create. */
LRSCHED_API int lrsched_spec_create_from_json(const char *json, size_t len, lrsched_spec **out);
/** Builds the spec's scheduler (children first) on opt: torch's construction, checks
 *  and errors, as lrsched_scheduler_create_from_json. */
LRSCHED_API int lrsched_scheduler_create(lrsched_optimizer *opt, const lrsched_spec *spec, lrsched_scheduler **out);

/** Drops the caller's reference. NULL is a harmless no-op. */
LRSCHED_API void lrsched_scheduler_free(lrsched_scheduler *sched);

/** torch's class name, e.g. "StepLR". Static storage; "" for NULL (or a handle that is
 *  not a scheduler). */
LRSCHED_API const char *lrsched_scheduler_type(const lrsched_scheduler *sched);

/** How a scheduler steps, as bits of LRSCHED_FLAG_*: what front ends need to know to
 *  offer torch's step() signature without comparing type names. */
#define LRSCHED_FLAG_METRIC           1u /* steps on a metric (lrsched_scheduler_step_metric) */
#define LRSCHED_FLAG_FRACTIONAL_EPOCH 2u /* step_epoch takes fractional epochs, not deprecated */
#define LRSCHED_FLAG_COMPOSITE        4u /* holds child schedulers */
#define LRSCHED_FLAG_NO_EPOCH         8u /* step_epoch is LRSCHED_TYPE_ERROR */
#define LRSCHED_FLAG_STEP_AT_EPOCH   16u /* timm's step(epoch, metric): lrsched_scheduler_step_at */
#define LRSCHED_FLAG_STEP_AT_UPDATE  32u /* timm's step_update(num_updates, metric): ..._step_at */
#define LRSCHED_FLAG_CYCLES          64u /* timm's get_cycle_length: lrsched_scheduler_cycle_length */
/** Writes the scheduler's LRSCHED_FLAG_* bits to *out. Later versions may add bits:
 *  ignore the unknown ones. */
LRSCHED_API int lrsched_scheduler_flags(const lrsched_scheduler *sched, uint32_t *out);

/** Every scheduler the library has, as JSON: {"lrsched_version": "...", "schedulers":
 *  [{"name", "library", "summary", "flags": [...], "parameters": [{"name", "kind",
 *  "required", "default", "python_type", "doc"}], "state_keys", "attributes"}]}. The
 *  parameters are the keys of a JSON spec (lrsched_scheduler_create_from_json), in the
 *  constructor's order; a kind is {"kind": "int" | "float" | "bool" | "number" |
 *  "string" (with "choices") | "list" | "tuple" | "per_group" | "nullable" | "union"
 *  (with "of") | "lr_function" | "scale_function" | "schedulers" | "mapping" |
 *  "real_function" (with "choices": a name, or lrsched_spec_set_real_fn)}. Static
 *  storage, never freed; NUL-terminated. */
LRSCHED_API const char *lrsched_describe(void);

/** timm's scheduler.step(t, metric) (update == 0) or step_update(t, metric) (update != 0):
 *  the schedule at index t, given explicitly; metric NULL is None. A scheduler flagged
 *  LRSCHED_FLAG_STEP_AT_EPOCH changes its lrs on step(t), one flagged
 *  LRSCHED_FLAG_STEP_AT_UPDATE on step_update(t) (the other call only records the
 *  metric), as timm's t_in_epochs says. Any other scheduler: LRSCHED_TYPE_ERROR. On
 *  failure nothing changes. */
LRSCHED_API int lrsched_scheduler_step_at(lrsched_scheduler *sched, int64_t t, int update, const double *metric);

/** scheduler.step(). On failure (e.g. ZeroDivisionError, OneCycleLR past its end, a
 *  callback failure) nothing changes. ReduceLROnPlateau needs a metric: TypeError. */
LRSCHED_API int lrsched_scheduler_step(lrsched_scheduler *sched);

/** ReduceLROnPlateau.step(metric). Any other scheduler: LRSCHED_TYPE_ERROR. NaN counts
 *  as a bad epoch, as in torch. */
LRSCHED_API int lrsched_scheduler_step_metric(lrsched_scheduler *sched, double metric);

/** torch's deprecated step(epoch): the closed form at that epoch where torch has one.
 *  epoch must be integral, except for CosineAnnealingWarmRestarts, which takes
 *  fractional epochs (non-negative, as torch). A non-integral, non-finite or out of
 *  int64 range epoch is LRSCHED_VALUE_ERROR. Composites and ReduceLROnPlateau:
 *  LRSCHED_TYPE_ERROR. A double holds integers exactly only up to 2^53: for an int
 *  epoch, use lrsched_scheduler_step_epoch_int. */
LRSCHED_API int lrsched_scheduler_step_epoch(lrsched_scheduler *sched, double epoch);

/** step(epoch) with an integer epoch, exact over all of int64 (Python's int epochs):
 *  otherwise as lrsched_scheduler_step_epoch. Where torch's Python arithmetic raises,
 *  the status is its class: gamma ** epoch overflowing is LRSCHED_OVERFLOW_ERROR,
 *  0.0 ** negative LRSCHED_ZERO_DIVISION_ERROR; nothing changes. */
LRSCHED_API int lrsched_scheduler_step_epoch_int(lrsched_scheduler *sched, int64_t epoch);

/** get_last_lr() (see "Buffers"). */
LRSCHED_API int lrsched_scheduler_last_lr(const lrsched_scheduler *sched, double *buf, size_t capacity,
                                          size_t *count);

/** base_lrs (see "Buffers"; empty for ReduceLROnPlateau and composites). */
LRSCHED_API int lrsched_scheduler_base_lrs(const lrsched_scheduler *sched, double *buf, size_t capacity,
                                           size_t *count);

/** last_epoch. */
LRSCHED_API int lrsched_scheduler_last_epoch(const lrsched_scheduler *sched, int64_t *out);

/** timm's get_cycle_length(cycles): writes to *out the schedule's length in steps of a
 *  timm scheduler with LRSCHED_FLAG_CYCLES (CosineLRScheduler, TanhLRScheduler,
 *  PolyLRScheduler: `cycles` cycles, 0 meaning cycle_limit, plus warmup_t with
 *  warmup_prefix; WSDLRScheduler: warmup_t + t_initial). LRSCHED_TYPE_ERROR for any
 *  other scheduler (timm's AttributeError); LRSCHED_OVERFLOW_ERROR when cycle_mul **
 *  cycles overflows (timm's OverflowError); LRSCHED_VALUE_ERROR for a length beyond
 *  int64 or a non-finite one (math.floor's error). */
LRSCHED_API int lrsched_scheduler_cycle_length(const lrsched_scheduler *sched, int64_t cycles, int64_t *out);

/** timm's create_scheduler_v2 returns (scheduler, num_epochs): writes that num_epochs
 *  (the training length in epochs, with the cycles, warmup prefix and cooldown) of a
 *  scheduler built from a "timm.create_scheduler_v2" spec to *out. LRSCHED_TYPE_ERROR
 *  for any other scheduler. */
LRSCHED_API int lrsched_scheduler_num_epochs(const lrsched_scheduler *sched, int64_t *out);
/** Assigns last_epoch, as torch's `sched.last_epoch = epoch` (any value: torch sets the
 *  attribute). The next step increments from it; chainable schedules then compute from
 *  the current group lrs at that epoch. torch's SequentialLR writes last_epoch -= 1 on
 *  its children. */
LRSCHED_API int lrsched_scheduler_set_last_epoch(lrsched_scheduler *sched, int64_t epoch);

/** torch's _step_count: 1 after construction, +1 per step; CosineAnnealingWarmRestarts
 *  keeps 0 (torch's never increments it), and ReduceLROnPlateau, SequentialLR and
 *  ChainedScheduler, which have none in torch, report 0. */
LRSCHED_API int lrsched_scheduler_step_count(const lrsched_scheduler *sched, int64_t *out);

/** torch's _initial_step(): _step_count = 0, then one step with _is_initial set (what
 *  construction does; torch's SequentialLR calls it on its first child). On failure
 *  nothing changes. */
LRSCHED_API int lrsched_scheduler_initial_step(lrsched_scheduler *sched);

/** torch's _update_lr(epoch): has_epoch == 0 is _update_lr(None) (last_epoch += 1, the
 *  chainable form); otherwise last_epoch = epoch and the closed form where torch has one
 *  (torch's SequentialLR calls _update_lr(0) at a milestone). _step_count is unchanged.
 *  Composites: LRSCHED_NOT_IMPLEMENTED_ERROR. On failure nothing changes. */
LRSCHED_API int lrsched_scheduler_update_lr(lrsched_scheduler *sched, int64_t epoch, int has_epoch);

/** torch's get_lr(): the lrs the chainable form computes at the current last_epoch from
 *  the current group lrs (see "Buffers"), computed on a copy: nothing changes.
 *  Composites and ReduceLROnPlateau: LRSCHED_NOT_IMPLEMENTED_ERROR (torch's base get_lr). */
LRSCHED_API int lrsched_scheduler_get_lr(const lrsched_scheduler *sched, double *buf, size_t capacity,
                                         size_t *count);

/** The scheduler's state as JSON with torch's state_dict() keys (see "Buffers").
 *  Non-finite doubles are written as "Infinity", "-Infinity", "NaN". */
LRSCHED_API int lrsched_scheduler_state_save(const lrsched_scheduler *sched, char *buf, size_t capacity,
                                             size_t *len);

/** load_state_dict: restores a saved state. Load the optimizer's state first, then the
 *  schedulers', as torch does; lr functions are not part of the state.
 *  @return LRSCHED_VALUE_ERROR for malformed or mismatched state; nothing changes. */
LRSCHED_API int lrsched_scheduler_state_load(lrsched_scheduler *sched, const char *json, size_t len);

/** The next `steps` lrs (and momenta) that stepping the schedulers would give, in
 *  order each step, computed on copies (the schedulers and their optimizer are left
 *  untouched). All schedulers must share one optimizer. metrics (one per step) are
 *  required when a ReduceLROnPlateau is among them, else may be NULL. lrs receives
 *  steps x groups values, row-major; momenta (may be NULL) the same layout
 *  (betas[0] for LRSCHED_MOMENTUM_BETAS). n_groups is required: *n_groups receives the
 *  group count, also with LRSCHED_BUFFER_TOO_SMALL (so a first call can size the
 *  buffers). When metrics is NULL, n_metrics is ignored; otherwise n_metrics must be at
 *  least steps when a ReduceLROnPlateau is among the schedulers.
 *  @return LRSCHED_OUT_OF_MEMORY when steps x groups is above LRSCHED_MAX_PREVIEW_VALUES
 *  (checked first, whatever the buffers); LRSCHED_BUFFER_TOO_SMALL when a capacity is
 *  below steps x groups (lrs may be NULL only when steps x groups is 0);
 *  LRSCHED_VALUE_ERROR for no schedulers, schedulers on different optimizers, steps < 0;
 *  any step error (then the buffers' contents are unspecified). */
LRSCHED_API int lrsched_preview(lrsched_scheduler *const *scheds, size_t n_scheds, int64_t steps,
                                const double *metrics, size_t n_metrics, double *lrs, size_t lrs_capacity,
                                double *momenta, size_t momenta_capacity, size_t *n_groups);

/* ------------------------------------------------------------------------------------
 * Training: models, SGD, trainers
 * ------------------------------------------------------------------------------------
 * torch's nn.Sequential of nn.Linear and nn.ReLU layers, torch.optim.SGD over its
 * parameters, and a trainer that fits it on caller memory with MSE loss, mini-batches
 * and the schedulers above: the loop
 *
 *     for epoch in 1..epochs:
 *         for xb, yb in batches (in order, or shuffled from the trainer's seed):
 *             loss = mse(model(xb), yb); loss.backward(); sgd.step()
 *             if step unit is batch: step every scheduler (ReduceLROnPlateau: batch loss)
 *         loss = mse(model(X), y)                  # the whole dataset
 *         if step unit is epoch: step every scheduler (ReduceLROnPlateau: that loss)
 *         callback(epoch, lr_start, loss, lr_after)
 *
 * lr_start is group 0's lr during the epoch's first batch, lr_after group 0's lr after
 * the epoch's scheduler steps. The lrs are torch's to the bit; losses and parameters
 * agree with torch to float32 rounding (torch fuses multiply-adds in its own order).
 *
 * Data. x holds rows x features floats and y rows x outputs floats, row-major. They are
 * read in place, never copied or kept: they must stay valid and unchanged during the
 * call (callbacks included). NaN and infinite values are allowed in data and parameters,
 * as in torch: they propagate into losses and parameters and fail nothing (a NaN loss is
 * a bad epoch for ReduceLROnPlateau). Hyperparameters must be finite (SGD's checks).
 *
 * Limits (LRSCHED_VALUE_ERROR beyond them): Linear sizes between 1 and 2^20; at most
 * 2^31 parameter values per model, 2^31 values per data buffer, and 2^31 values in one
 * layer's output for a batch (fit) or for all rows (forward); at most 2^20 epochs per
 * fit. Running out of memory below these aborts the process (see LRSCHED_OUT_OF_MEMORY).
 *
 * Ownership. Models, SGD optimizers and trainers are reference counted like optimizers:
 * each *_free drops the caller's reference (NULL, or a handle of another kind, is a
 * harmless no-op). An SGD holds its model; a trainer holds its model, its SGD and its
 * schedulers (which hold the SGD's parameter groups). Free them in any order.
 *
 * Threads and callbacks. As for optimizers: one model, and everything built on it, on
 * one thread at a time. While an epoch callback (or an lr_lambda callback) runs, calls on
 * that thread that modify a model or build an SGD or trainer (add_linear, add_relu,
 * parameter_set, lrsched_sgd_create*, lrsched_trainer_create, lrsched_trainer_fit)
 * fail with LRSCHED_RUNTIME_ERROR, as do the optimizer and scheduler calls listed under
 * "Ownership and threads"; reading calls (parameter_get, ...), lrsched_model_forward,
 * lrsched_trainer_loss, lrsched_model_create* and frees work. Freeing the trainer
 * being fitted from its own callback is safe: it lives until the fit returns.
 */

/** A model: torch's nn.Sequential of Linear and ReLU layers. */
typedef struct lrsched_model lrsched_model;
/** torch.optim.SGD over a model's parameters. */
typedef struct lrsched_sgd lrsched_sgd;
/** A trainer: a model, its SGD, schedulers and the batching of fit. */
typedef struct lrsched_trainer lrsched_trainer;

/** Creates an empty model (no layers; the identity). Add layers with
 *  lrsched_model_add_linear and lrsched_model_add_relu. */
LRSCHED_API int lrsched_model_create(lrsched_model **out);

/** Creates a model from layer specs as training vectors write them:
 *  [{"type": "Linear", "in": 2, "out": 1}, {"type": "ReLU"}, ...] ("init_std" keys are
 *  accepted and ignored). Parameters are initialised as torch's nn.Linear does (U(-k, k),
 *  k = 1/sqrt(in), weight then bias, layer by layer) from one generator seeded with seed;
 *  the values differ from torch's. Set them with lrsched_model_parameter_set.
 *  @return LRSCHED_VALUE_ERROR for malformed JSON, an empty list, sizes out of range or
 *  too many parameters; LRSCHED_TYPE_ERROR for unknown layer types or keys, and for
 *  non-int sizes. */
LRSCHED_API int lrsched_model_create_from_json(const char *spec, size_t len, uint64_t seed, lrsched_model **out);

/** Drops the caller's reference. NULL is a harmless no-op. */
LRSCHED_API void lrsched_model_free(lrsched_model *model);

/** Appends nn.Linear(in_features, out_features): weight [out, in] and bias [out],
 *  initialised as torch's (U(-k, k), k = 1/sqrt(in)) from a generator seeded with seed.
 *  Its parameters are named "<layer index>.weight" and "<layer index>.bias".
 *  @return LRSCHED_VALUE_ERROR for a size outside 1..2^20 or more than 2^31 parameter
 *  values in the model; LRSCHED_RUNTIME_ERROR once an SGD or trainer uses the model
 *  (its layers are fixed then). */
LRSCHED_API int lrsched_model_add_linear(lrsched_model *model, int64_t in_features, int64_t out_features,
                                         uint64_t seed);

/** Appends nn.ReLU() (no parameters). Errors as lrsched_model_add_linear. */
LRSCHED_API int lrsched_model_add_relu(lrsched_model *model);

/** The number of layers. */
LRSCHED_API int lrsched_model_layer_count(const lrsched_model *model, size_t *out);

/** The number of parameter tensors (two per Linear), the indices of the functions below,
 *  in torch's named_parameters() order: "0.weight", "0.bias", "2.weight", ... */
LRSCHED_API int lrsched_model_parameter_count(const lrsched_model *model, size_t *out);

/** The name of parameter index, e.g. "0.weight". The string is owned by the model and
 *  stays valid as long as the model does (until its last reference is dropped).
 *  @return LRSCHED_VALUE_ERROR for an index out of range. */
LRSCHED_API int lrsched_model_parameter_name(const lrsched_model *model, size_t index, const char **out);

/** The index of the parameter named name. @return LRSCHED_KEY_ERROR when there is none. */
LRSCHED_API int lrsched_model_parameter_find(const lrsched_model *model, const char *name, size_t len,
                                             size_t *index);

/** The shape of parameter index (see "Buffers"): {out, in} for a weight, {out} for a
 *  bias. */
LRSCHED_API int lrsched_model_parameter_shape(const lrsched_model *model, size_t index, size_t *dims,
                                              size_t capacity, size_t *count);

/** The number of values of parameter index (torch's numel()). */
LRSCHED_API int lrsched_model_parameter_numel(const lrsched_model *model, size_t index, size_t *out);

/** The values of parameter index, flat row-major (see "Buffers"). */
LRSCHED_API int lrsched_model_parameter_get(const lrsched_model *model, size_t index, float *buf, size_t capacity,
                                            size_t *count);

/** Overwrites the values of parameter index from n_values floats, flat row-major.
 *  @return LRSCHED_VALUE_ERROR unless n_values is exactly the parameter's numel; nothing
 *  changes then. */
LRSCHED_API int lrsched_model_parameter_set(lrsched_model *model, size_t index, const float *values,
                                            size_t n_values);

/** model(x) for rows x features inputs: rows x (the model's outputs) floats, row-major
 *  (see "Buffers"; a size query may pass x == NULL). The model's layers keep internal
 *  buffers, hence the non-const model; the parameters are not changed.
 *  @return LRSCHED_VALUE_ERROR when the layers do not fit features inputs (or each
 *  other), or for sizes beyond the limits. */
LRSCHED_API int lrsched_model_forward(lrsched_model *model, const float *x, size_t rows, size_t features, float *buf,
                                      size_t capacity, size_t *count);

/** Creates torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov,
 *  maximize) over the model's parameters. group_of (NULL with n_group_of 0: one group
 *  holding every parameter) gives each parameter's group index, in
 *  lrsched_model_parameter_* order; groups are numbered 0..k-1 without gaps, each
 *  holding its parameters in model order and these hyperparameters (change a group's
 *  with lrsched_optimizer_set on lrsched_sgd_optimizer's handle, before building
 *  schedulers). Momentum buffers start empty, as torch's.
 *  @return LRSCHED_VALUE_ERROR as torch ("Invalid learning rate: -0.1", "Nesterov
 *  momentum requires a momentum and zero dampening", ...), for non-finite values, a
 *  model without parameters ("optimizer got an empty parameter list"), n_group_of not
 *  equal to the parameter count, or a gap in the group indices. */
LRSCHED_API int lrsched_sgd_create(lrsched_model *model, const size_t *group_of, size_t n_group_of, double lr,
                                   double momentum, double dampening, double weight_decay, int nesterov, int maximize,
                                   lrsched_sgd **out);

/** Creates SGD over every parameter of the model (one group) from a JSON object of
 *  torch.optim.SGD keyword arguments as training vectors write them, e.g.
 *  {"lr": 0.02, "momentum": 0.9, "nesterov": true, "weight_decay": 0.001} (keys: lr
 *  (default 1e-3), momentum, dampening, weight_decay, nesterov, maximize).
 *  @return as lrsched_sgd_create; LRSCHED_TYPE_ERROR for unknown keys or wrong types. */
LRSCHED_API int lrsched_sgd_create_from_json(lrsched_model *model, const char *spec, size_t len, lrsched_sgd **out);

/** Drops the caller's reference. NULL is a harmless no-op. */
LRSCHED_API void lrsched_sgd_free(lrsched_sgd *sgd);

/** The SGD's parameter groups (its param_groups) as an optimizer handle, a new reference
 *  for the caller to free: every scheduler constructor attaches to it, and
 *  lrsched_optimizer_get/set read and write the hyperparameters the next SGD step uses.
 *  Each call returns a new handle to the same groups. The handle stays valid after the
 *  SGD is freed. */
LRSCHED_API int lrsched_sgd_optimizer(lrsched_sgd *sgd, lrsched_optimizer **out);

/* When a trainer steps its schedulers. */
#define LRSCHED_STEP_EPOCH 0  /* once after each epoch (ReduceLROnPlateau: the epoch's loss) */
#define LRSCHED_STEP_BATCH 1  /* after each optimizer step (ReduceLROnPlateau: the batch's loss) */

/** Creates a trainer of model with sgd (which must have been created over model) and
 *  n_scheds schedulers (stepped in this order; each must be attached to
 *  lrsched_sgd_optimizer(sgd), else LRSCHED_VALUE_ERROR; scheds may be NULL when
 *  n_scheds is 0). batch_size rows per batch (the last batch of an epoch may be
 *  shorter, unless drop_last); with shuffle, each epoch's row order is a fresh
 *  permutation drawn from a generator seeded with seed, created with the trainer and
 *  carried on from one fit call to the next (as torch's global generator is).
 *  @return LRSCHED_VALUE_ERROR for batch_size 0 (torch's message), an unknown
 *  step_unit, or a mismatched sgd or scheduler; LRSCHED_TYPE_ERROR for a handle of the
 *  wrong kind among scheds. */
LRSCHED_API int lrsched_trainer_create(lrsched_model *model, lrsched_sgd *sgd, lrsched_scheduler *const *scheds,
                                       size_t n_scheds, size_t batch_size, int shuffle, int drop_last, int step_unit,
                                       uint64_t seed, lrsched_trainer **out);

/** Drops the caller's reference. NULL is a harmless no-op. */
LRSCHED_API void lrsched_trainer_free(lrsched_trainer *trainer);

/** Called by lrsched_trainer_fit after each epoch (epoch counts from 1) with that
 *  epoch's history row. Return 0 to go on; non-zero stops training with
 *  LRSCHED_CALLBACK_FAILED ("epoch callback returned <rc> at epoch <epoch>"). See
 *  "Threads and callbacks" above for calls from callbacks. */
typedef int (*lrsched_epoch_fn)(int64_t epoch, double lr_start, double loss, double lr_after, void *user);

/** Trains for epochs epochs on x (rows x features) and y (rows x outputs), updating the
 *  model's parameters, the SGD's momentum buffers and the schedulers in place.
 *  callback (may be NULL) gets user and each epoch's row. history (NULL with capacity 0:
 *  none) receives 4 doubles per epoch, row-major: epoch, lr_start, loss, lr_after;
 *  capacity must then be at least 4 x epochs, else LRSCHED_BUFFER_TOO_SMALL before any
 *  training, with *count (when count is not NULL) set to 4 x epochs. Once training has
 *  started, *count (count may be NULL) receives the number of values written: 4 per
 *  completed epoch, also when training stops early.
 *  Arguments are checked before anything changes: LRSCHED_VALUE_ERROR for epochs
 *  outside 0..2^20, features or outputs 0, a model whose layers do not map features
 *  inputs to outputs values, or sizes beyond the limits; LRSCHED_NULL_ARGUMENT for x or
 *  y NULL with rows > 0. Training that stops early — the callback
 *  (LRSCHED_CALLBACK_FAILED) or a scheduler's step error (e.g. OneCycleLR stepped past
 *  its total_steps, LRSCHED_VALUE_ERROR) — keeps every update made so far: the
 *  parameters, momentum buffers and schedulers are as after the last completed
 *  optimizer and scheduler steps (a failing scheduler step itself changes nothing). */
LRSCHED_API int lrsched_trainer_fit(lrsched_trainer *trainer, const float *x, const float *y, size_t rows,
                                    size_t features, size_t outputs, int64_t epochs, lrsched_epoch_fn callback,
                                    void *user, double *history, size_t capacity, size_t *count);

/** The model's mean squared error over every row (torch's mse_loss(model(X), y), mean
 *  over rows x outputs values, rounded to float32 as torch's loss tensor) into *out; NaN
 *  for rows == 0. Nothing is trained. @return errors as lrsched_trainer_fit's checks. */
LRSCHED_API int lrsched_trainer_loss(lrsched_trainer *trainer, const float *x, const float *y, size_t rows,
                                     size_t features, size_t outputs, double *out);

/* ------------------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------------------ */

/** Sets the number of threads lrsched's training kernels (the matrix products inside
 *  lrsched_trainer_fit, lrsched_trainer_loss and lrsched_model_forward) use, for the
 *  whole process (torch's set_num_threads). Takes effect at the next product; results
 *  do not depend on it beyond float32 rounding (the lrs never do).
 *  @return LRSCHED_OK; LRSCHED_VALUE_ERROR unless 1 <= n <= 4096 (the setting is then
 *  unchanged). */
LRSCHED_API int lrsched_set_num_threads(int n);

/** The number of threads the training kernels use: the last lrsched_set_num_threads,
 *  else LRSCHED_NUM_THREADS from the environment when it is an integer in 1..4096, else
 *  the number of CPUs the process may run on (its affinity mask). */
LRSCHED_API int lrsched_get_num_threads(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LRSCHED_H */
