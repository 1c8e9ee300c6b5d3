/*
 * _lrsched — the private CPython extension behind the `lrsched` package.
 *
 * A thin layer over liblrsched.so (include/lrsched.h), in the manner of CPython's
 * Modules/_bz2module.c: multi-phase initialisation, heap types kept in the module state,
 * one raise_from_status() that maps library status codes to Python exceptions, and
 * deallocators that end in lrsched_*_free(). It computes no schedule: every number comes
 * from the library. The torch-style API (SGD, StepLR, ...) is written once, in Python, in
 * the private module _lrsched_api, on top of the two types defined here:
 *
 *   Optimizer   an lrsched_optimizer handle (parameter groups).
 *   Scheduler   an lrsched_scheduler handle; the base class of lrsched's scheduler
 *               classes. Its step() and get_last_lr() are C methods, so the hot
 *               `sched.step(); sched.get_last_lr()` pair never runs Python code;
 *               step() with arguments (and any step off the fast path) goes to the
 *               shared Python _step_slow(), which parses torch's arguments once for
 *               both backends and calls the raw steps _step/_step_metric/_step_epoch.
 *   Model       an lrsched_model handle (Linear and ReLU layers, their parameters).
 *   Sgd         an lrsched_sgd handle (SGD over a model's parameters) and its groups.
 *   Trainer     an lrsched_trainer handle: fit on float32 buffers read in place.
 *
 * Threads. Library objects are not thread-safe. Every call here holds the GIL, which
 * serialises them, except where Python code can run in the middle of a library call
 * (an lr_lambda callback) or where the GIL is released (a long preview): the optimizer is
 * then marked busy by the calling thread, and other threads touching it, or any scheduler
 * on it, get a RuntimeError instead of a data race.
 *
 * Callbacks. A Python lr_lambda is called through lr_fn_trampoline() (a fit's epoch
 * callback through epoch_fn_trampoline()). When it raises, the trampoline catches the
 * exception, stores it (per thread), and returns non-zero; the library aborts the step
 * (or the fit) with LRSCHED_CALLBACK_FAILED, and raise_from_status() then re-raises the
 * stored exception as itself.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <limits.h>
#include <string.h>

#include "lrsched.h"

#if LRSCHED_ABI_VERSION != 0
#  error "this extension is written against ABI 0 of lrsched.h"
#endif

/* Groups read into a stack buffer before falling back to the heap. */
#define SMALL_GROUPS 16
/* A preview of at least this many values runs with the GIL released (when no Python
 * callback is involved). */
#define PREVIEW_NOGIL_VALUES 16384

static PyModuleDef _lrsched_module;

typedef struct {
    PyTypeObject *optimizer_type;
    PyTypeObject *scheduler_type;
    PyTypeObject *model_type;
    PyTypeObject *sgd_type;
    PyTypeObject *trainer_type;
    PyObject *str_step_slow; /* "_step_slow" */
} _lrsched_state;

static inline _lrsched_state *
get_state(PyObject *module)
{
    return (_lrsched_state *)PyModule_GetState(module);
}

static _lrsched_state *
state_of_type(PyTypeObject *tp)
{
    PyObject *m = PyType_GetModuleByDef(tp, &_lrsched_module);
    return m == NULL ? NULL : get_state(m);
}

/* ---------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------- */

/* The exception an lr_lambda raised during the current library call on this thread
 * (type, value, traceback as PyErr_Fetch gives them), or NULLs. Set by
 * lr_fn_trampoline, consumed by raise_from_status. The GIL is held from the callback's
 * return to the re-raise, so nothing else can run in between on this thread. */
static _Thread_local PyObject *stored_exc[3];

static inline int
has_stored_exception(void)
{
    return stored_exc[0] != NULL;
}

/* Maps a non-zero library status to a Python exception and returns NULL. An exception
 * stored by an lr_lambda callback during the call wins: it is re-raised as itself. */
/* KeyError as torch raises it: a message that is one quoted key ('initial_lr', the
 * library's spelling of Python's str(KeyError)) is the key itself. */
static void
key_error(const char *msg)
{
    size_t n = strlen(msg);
    if (n >= 2 && msg[0] == '\'' && msg[n - 1] == '\'' && memchr(msg + 1, '\'', n - 2) == NULL) {
        PyObject *key = PyUnicode_DecodeUTF8(msg + 1, (Py_ssize_t)(n - 2), "replace");
        if (key != NULL) {
            PyErr_SetObject(PyExc_KeyError, key);
            Py_DECREF(key);
        }
        return;
    }
    PyErr_SetString(PyExc_KeyError, msg);
}

static PyObject *
raise_from_status(int status)
{
    if (has_stored_exception()) {
        PyErr_Restore(stored_exc[0], stored_exc[1], stored_exc[2]);
        stored_exc[0] = stored_exc[1] = stored_exc[2] = NULL;
        return NULL;
    }
    const char *msg = lrsched_last_error();
    switch (status) {
    case LRSCHED_VALUE_ERROR:
        PyErr_SetString(PyExc_ValueError, msg);
        break;
    case LRSCHED_TYPE_ERROR:
        PyErr_SetString(PyExc_TypeError, msg);
        break;
    case LRSCHED_KEY_ERROR:
        key_error(msg);
        break;
    case LRSCHED_RUNTIME_ERROR:
        PyErr_SetString(PyExc_RuntimeError, msg);
        break;
    case LRSCHED_ZERO_DIVISION_ERROR:
        PyErr_SetString(PyExc_ZeroDivisionError, msg);
        break;
    case LRSCHED_NOT_IMPLEMENTED_ERROR:
        PyErr_SetString(PyExc_NotImplementedError, msg);
        break;
    case LRSCHED_OUT_OF_MEMORY:
        PyErr_SetString(PyExc_MemoryError, msg);
        break;
    case LRSCHED_OVERFLOW_ERROR:
        PyErr_SetString(PyExc_OverflowError, msg);
        break;
    case LRSCHED_CALLBACK_FAILED:
        /* A callback failed without leaving an exception (should not happen). */
        PyErr_Format(PyExc_RuntimeError, "lr_lambda failed: %s", msg);
        break;
    case LRSCHED_NULL_ARGUMENT:
    case LRSCHED_BUFFER_TOO_SMALL:
        /* The bindings passed something wrong: a bug here, not in the caller. */
        PyErr_Format(PyExc_RuntimeError, "internal error in the lrsched bindings (%s): %s",
                     lrsched_status_string(status), msg);
        break;
    default:
        PyErr_Format(PyExc_RuntimeError, "lrsched error %d (%s): %s", status,
                     lrsched_status_string(status), msg);
        break;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------
 * Optimizer
 * ------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    lrsched_optimizer *handle;
    /* Non-zero while a call that lets other threads run (Python callbacks, a preview
     * without the GIL) is using this optimizer; busy_owner is the thread doing it. */
    int busy;
    unsigned long busy_owner;
} OptimizerObject;

typedef struct {
    int was_busy;
    unsigned long owner;
} BusyToken;

/* -1 with RuntimeError when another thread is using the optimizer. */
static int
check_not_busy_slow(OptimizerObject *opt)
{
    if (opt->busy_owner == PyThread_get_thread_ident()) {
        return 0;
    }
    PyErr_SetString(PyExc_RuntimeError,
                    "this lrsched optimizer (or a scheduler on it) is in use by another thread; "
                    "lrsched objects must be used from one thread at a time");
    return -1;
}

#define CHECK_NOT_BUSY(opt, ret)                                              \
    do {                                                                      \
        if ((opt)->busy && check_not_busy_slow(opt) < 0) {                    \
            return ret;                                                       \
        }                                                                     \
    } while (0)

static BusyToken
mark_busy(OptimizerObject *opt)
{
    BusyToken t = {opt->busy, opt->busy_owner};
    opt->busy = 1;
    opt->busy_owner = PyThread_get_thread_ident();
    return t;
}

static void
unmark_busy(OptimizerObject *opt, BusyToken t)
{
    opt->busy = t.was_busy;
    opt->busy_owner = t.owner;
}

static int
optimizer_check(OptimizerObject *self)
{
    if (self->handle == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "lrsched optimizer is not initialized");
        return -1;
    }
    CHECK_NOT_BUSY(self, -1);
    return 0;
}

static PyObject *
optimizer_wrap(PyTypeObject *type, lrsched_optimizer *handle)
{
    OptimizerObject *self = (OptimizerObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        lrsched_optimizer_free(handle);
        return NULL;
    }
    self->handle = handle;
    return (PyObject *)self;
}

static void
Optimizer_dealloc(OptimizerObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    lrsched_optimizer_free(self->handle);
    self->handle = NULL;
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* Reads a UTF-8 str argument; *len receives its length in bytes. */
static const char *
utf8_arg(PyObject *arg, const char *what, Py_ssize_t *len)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(arg)->tp_name);
        return NULL;
    }
    return PyUnicode_AsUTF8AndSize(arg, len);
}

PyDoc_STRVAR(Optimizer_from_json_doc,
"from_json(spec, /)\n--\n\n"
"An optimizer state from a JSON spec: {\"lr\": 0.1, \"momentum\": 0.9, \"groups\": [...]}\n"
"(lrsched_optimizer_create_from_json).");

static PyObject *
Optimizer_from_json(PyTypeObject *type, PyObject *spec)
{
    Py_ssize_t len;
    const char *s = utf8_arg(spec, "spec", &len);
    if (s == NULL) {
        return NULL;
    }
    lrsched_optimizer *h = NULL;
    int st = lrsched_optimizer_create_from_json(s, (size_t)len, &h);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return optimizer_wrap(type, h);
}

PyDoc_STRVAR(Optimizer_create_doc,
"create(n_groups, lr, momentum, momentum_kind, /)\n--\n\n"
"n_groups groups with lr and momentum (lrsched_optimizer_create).");

static PyObject *
Optimizer_create(PyTypeObject *type, PyObject *args)
{
    Py_ssize_t n;
    double lr, momentum;
    int kind;
    if (!PyArg_ParseTuple(args, "nddi:create", &n, &lr, &momentum, &kind)) {
        return NULL;
    }
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "n_groups must be >= 0");
        return NULL;
    }
    lrsched_optimizer *h = NULL;
    int st = lrsched_optimizer_create((size_t)n, lr, momentum, kind, &h);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return optimizer_wrap(type, h);
}

/* Parses (group, key) from a fastcall argument vector. */
static int
group_key_args(PyObject *const *args, Py_ssize_t nargs, Py_ssize_t expected, const char *name,
               size_t *group, int *key)
{
    if (nargs != expected) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd arguments (%zd given)", name, expected, nargs);
        return -1;
    }
    Py_ssize_t g = PyLong_AsSsize_t(args[0]);
    if (g == -1 && PyErr_Occurred()) {
        return -1;
    }
    long k = PyLong_AsLong(args[1]);
    if (k == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (g < 0) {
        PyErr_SetString(PyExc_IndexError, "param group index out of range");
        return -1;
    }
    if (k < INT32_MIN || k > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "unknown param group key");
        return -1;
    }
    *group = (size_t)g;
    *key = (int)k;
    return 0;
}

PyDoc_STRVAR(Optimizer_get_doc,
"get(group, key, /)\n--\n\n"
"param_groups[group][key] as a float (KeyError if the group lacks an optional key).");

static PyObject *
Optimizer_get(OptimizerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    size_t g;
    int k;
    if (group_key_args(args, nargs, 2, "get", &g, &k) < 0 || optimizer_check(self) < 0) {
        return NULL;
    }
    double v;
    int st = lrsched_optimizer_get(self->handle, g, k, &v);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyFloat_FromDouble(v);
}

PyDoc_STRVAR(Optimizer_set_doc,
"set(group, key, value, /)\n--\n\n"
"param_groups[group][key] = value (a finite float).");

static PyObject *
Optimizer_set(OptimizerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    size_t g;
    int k;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "set() takes exactly 3 arguments (%zd given)", nargs);
        return NULL;
    }
    if (group_key_args(args, 2, 2, "set", &g, &k) < 0) {
        return NULL;
    }
    double v = PyFloat_AsDouble(args[2]);
    if (v == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    if (optimizer_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_optimizer_set(self->handle, g, k, v);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Optimizer_has_doc,
"has(group, key, /)\n--\n\n"
"Whether param_groups[group] holds key.");

static PyObject *
Optimizer_has(OptimizerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    size_t g;
    int k;
    if (group_key_args(args, nargs, 2, "has", &g, &k) < 0 || optimizer_check(self) < 0) {
        return NULL;
    }
    int out = 0;
    int st = lrsched_optimizer_has(self->handle, g, k, &out);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyBool_FromLong(out);
}

PyDoc_STRVAR(Optimizer_unset_doc,
"unset(group, key, /)\n--\n\n"
"del param_groups[group][key] for an optional key (absent: no error).");

static PyObject *
Optimizer_unset(OptimizerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    size_t g;
    int k;
    if (group_key_args(args, nargs, 2, "unset", &g, &k) < 0 || optimizer_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_optimizer_unset(self->handle, g, k);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Optimizer_group_count_doc, "group_count()\n--\n\nThe number of parameter groups.");

static PyObject *
Optimizer_group_count(OptimizerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (optimizer_check(self) < 0) {
        return NULL;
    }
    size_t n = 0;
    int st = lrsched_optimizer_group_count(self->handle, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyLong_FromSize_t(n);
}

PyDoc_STRVAR(Optimizer_momentum_kind_doc,
"momentum_kind()\n--\n\nLRSCHED_MOMENTUM_SGD (0), _BETAS (1) or _NONE (2).");

static PyObject *
Optimizer_momentum_kind(OptimizerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (optimizer_check(self) < 0) {
        return NULL;
    }
    int kind = 0;
    int st = lrsched_optimizer_momentum_kind(self->handle, &kind);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyLong_FromLong(kind);
}

/* A list of floats from a (buf, capacity, *count) getter. */
typedef int (*doubles_getter)(const void *obj, double *buf, size_t capacity, size_t *count);

static PyObject *
doubles_to_list(const double *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (f == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, f);
    }
    return list;
}

static PyObject *
read_doubles(doubles_getter get, const void *obj)
{
    double small[SMALL_GROUPS];
    size_t n = 0;
    int st = get(obj, small, SMALL_GROUPS, &n);
    if (st == LRSCHED_OK) {
        return doubles_to_list(small, n);
    }
    if (st != LRSCHED_BUFFER_TOO_SMALL) {
        return raise_from_status(st);
    }
    double *big = PyMem_New(double, n);
    if (big == NULL) {
        return PyErr_NoMemory();
    }
    size_t n2 = 0;
    st = get(obj, big, n, &n2);
    PyObject *r = st == LRSCHED_OK ? doubles_to_list(big, n2) : raise_from_status(st);
    PyMem_Free(big);
    return r;
}

static int
get_optimizer_lrs(const void *obj, double *buf, size_t capacity, size_t *count)
{
    return lrsched_optimizer_lrs((const lrsched_optimizer *)obj, buf, capacity, count);
}

PyDoc_STRVAR(Optimizer_lrs_doc, "lrs()\n--\n\nEvery group's lr, as a list of floats.");

static PyObject *
Optimizer_lrs(OptimizerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (optimizer_check(self) < 0) {
        return NULL;
    }
    return read_doubles(get_optimizer_lrs, self->handle);
}

PyDoc_STRVAR(Optimizer_add_group_doc,
"add_group(lr, momentum, /)\n--\n\nAppends a group with the defaults but lr and momentum.");

static PyObject *
Optimizer_add_group(OptimizerObject *self, PyObject *args)
{
    double lr, momentum;
    if (!PyArg_ParseTuple(args, "dd:add_group", &lr, &momentum) || optimizer_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_optimizer_add_group(self->handle, lr, momentum);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

/* A str from a (buf, capacity, *len) JSON getter. */
typedef int (*text_getter)(const void *obj, char *buf, size_t capacity, size_t *len);

static PyObject *
read_text(text_getter get, const void *obj)
{
    char small[1024];
    size_t len = 0;
    int st = get(obj, small, sizeof small, &len);
    if (st == LRSCHED_OK) {
        return PyUnicode_DecodeUTF8(small, (Py_ssize_t)(len > 0 ? len - 1 : 0), "strict");
    }
    if (st != LRSCHED_BUFFER_TOO_SMALL) {
        return raise_from_status(st);
    }
    char *big = PyMem_Malloc(len);
    if (big == NULL) {
        return PyErr_NoMemory();
    }
    size_t len2 = 0;
    st = get(obj, big, len, &len2);
    PyObject *r = st == LRSCHED_OK
        ? PyUnicode_DecodeUTF8(big, (Py_ssize_t)(len2 > 0 ? len2 - 1 : 0), "strict")
        : raise_from_status(st);
    PyMem_Free(big);
    return r;
}

static int
get_optimizer_state(const void *obj, char *buf, size_t capacity, size_t *len)
{
    return lrsched_optimizer_state_save((const lrsched_optimizer *)obj, buf, capacity, len);
}

PyDoc_STRVAR(Optimizer_state_save_doc,
"state_save()\n--\n\nThe optimizer state as JSON text (torch's optimizer.state_dict() shape).");

static PyObject *
Optimizer_state_save(OptimizerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (optimizer_check(self) < 0) {
        return NULL;
    }
    return read_text(get_optimizer_state, self->handle);
}

PyDoc_STRVAR(Optimizer_state_load_doc,
"state_load(json, /)\n--\n\nRestores a state saved by state_save().");

static PyObject *
Optimizer_state_load(OptimizerObject *self, PyObject *arg)
{
    Py_ssize_t len;
    const char *s = utf8_arg(arg, "json", &len);
    if (s == NULL || optimizer_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_optimizer_state_load(self->handle, s, (size_t)len);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

static PyObject *
Optimizer_reduce(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    PyErr_Format(PyExc_TypeError, "cannot pickle '%.100s' object (use state_save())", Py_TYPE(self)->tp_name);
    return NULL;
}

static PyMethodDef Optimizer_methods[] = {
    {"from_json", (PyCFunction)Optimizer_from_json, METH_O | METH_CLASS, Optimizer_from_json_doc},
    {"create", (PyCFunction)Optimizer_create, METH_VARARGS | METH_CLASS, Optimizer_create_doc},
    {"get", (PyCFunction)(void (*)(void))Optimizer_get, METH_FASTCALL, Optimizer_get_doc},
    {"set", (PyCFunction)(void (*)(void))Optimizer_set, METH_FASTCALL, Optimizer_set_doc},
    {"has", (PyCFunction)(void (*)(void))Optimizer_has, METH_FASTCALL, Optimizer_has_doc},
    {"unset", (PyCFunction)(void (*)(void))Optimizer_unset, METH_FASTCALL, Optimizer_unset_doc},
    {"group_count", (PyCFunction)Optimizer_group_count, METH_NOARGS, Optimizer_group_count_doc},
    {"momentum_kind", (PyCFunction)Optimizer_momentum_kind, METH_NOARGS, Optimizer_momentum_kind_doc},
    {"lrs", (PyCFunction)Optimizer_lrs, METH_NOARGS, Optimizer_lrs_doc},
    {"add_group", (PyCFunction)Optimizer_add_group, METH_VARARGS, Optimizer_add_group_doc},
    {"state_save", (PyCFunction)Optimizer_state_save, METH_NOARGS, Optimizer_state_save_doc},
    {"state_load", (PyCFunction)Optimizer_state_load, METH_O, Optimizer_state_load_doc},
    {"__reduce__", (PyCFunction)Optimizer_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Optimizer_doc,
"Optimizer()\n--\n\n"
"An lrsched_optimizer handle: the parameter groups schedulers act on. Private: build\n"
"one with Optimizer.from_json() or Optimizer.create(); use lrsched.SGD instead.");

static PyType_Slot Optimizer_slots[] = {
    {Py_tp_dealloc, Optimizer_dealloc},
    {Py_tp_methods, Optimizer_methods},
    {Py_tp_doc, (void *)Optimizer_doc},
    {0, NULL},
};

static PyType_Spec Optimizer_spec = {
    .name = "lrsched._lrsched.Optimizer",
    .basicsize = sizeof(OptimizerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = Optimizer_slots,
};

/* ---------------------------------------------------------------------------------
 * Scheduler
 * ------------------------------------------------------------------------------- */

typedef struct SchedulerObject {
    PyObject_HEAD
    lrsched_scheduler *handle;
    OptimizerObject *opt;  /* the optimizer the library scheduler is attached to */
    PyObject *last_lr;     /* get_last_lr()'s list (valid unless last_lr_stale), or NULL */
    PyObject *callbacks;   /* tuple of Python lr_lambdas the library calls, or NULL */
    PyObject *children;    /* tuple of child Scheduler objects (composites), or NULL */
    char foreign;          /* drives a foreign optimizer: step() goes through _step_slow() */
    char has_callbacks;    /* Python code may run during steps (here or in a child) */
    char fast;             /* step() may take the fast path */
    char metric;           /* steps on a metric (LRSCHED_FLAG_METRIC): step(m) has a fast path */
    char last_lr_stale;    /* last_lr no longer holds the library's last lrs */
} SchedulerObject;

static void
scheduler_update_fast(SchedulerObject *self)
{
    self->fast = self->handle != NULL && !self->foreign && !self->has_callbacks && self->children == NULL;
}

/* Drops the get_last_lr() caches of self and of its children (a composite's step or
 * load changes its children's state too). */
static void
scheduler_invalidate(SchedulerObject *self)
{
    self->last_lr_stale = 1;
    if (self->children != NULL) {
        Py_ssize_t n = PyTuple_GET_SIZE(self->children);
        for (Py_ssize_t i = 0; i < n; i++) {
            scheduler_invalidate((SchedulerObject *)PyTuple_GET_ITEM(self->children, i));
        }
    }
}

static int
scheduler_check(SchedulerObject *self)
{
    if (self->handle == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "lrsched scheduler is not initialized (its __init__ did not run or failed)");
        return -1;
    }
    CHECK_NOT_BUSY(self->opt, -1);
    return 0;
}

static PyObject *
Scheduler_new(PyTypeObject *type, PyObject *Py_UNUSED(args), PyObject *Py_UNUSED(kwds))
{
    /* Any arguments: they are the subclass __init__'s. */
    return type->tp_alloc(type, 0);
}

static int
Scheduler_traverse(SchedulerObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->opt);
    Py_VISIT(self->last_lr);
    Py_VISIT(self->callbacks);
    Py_VISIT(self->children);
    return 0;
}

static int
Scheduler_clear(SchedulerObject *self)
{
    /* The library handle goes first: once it is freed nothing can call the callbacks
     * (a composite holding it is being cleared too, or it would keep self reachable). */
    if (self->handle != NULL) {
        lrsched_scheduler_free(self->handle);
        self->handle = NULL;
    }
    self->fast = 0;
    Py_CLEAR(self->last_lr);
    Py_CLEAR(self->callbacks);
    Py_CLEAR(self->children);
    Py_CLEAR(self->opt);
    return 0;
}

static void
Scheduler_dealloc(SchedulerObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)Scheduler_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* Installs a freshly created handle in an unbound scheduler. Steals handle. */
static void
scheduler_install(SchedulerObject *self, lrsched_scheduler *handle, OptimizerObject *opt,
                  PyObject *callbacks, PyObject *children)
{
    (void)Scheduler_clear(self);
    self->handle = handle;
    self->opt = (OptimizerObject *)Py_NewRef(opt);
    self->callbacks = Py_XNewRef(callbacks);
    self->children = Py_XNewRef(children);
    self->has_callbacks = callbacks != NULL;
    uint32_t flags = 0;
    self->metric = lrsched_scheduler_flags(handle, &flags) == LRSCHED_OK && (flags & LRSCHED_FLAG_METRIC) != 0;
    if (children != NULL) {
        Py_ssize_t n = PyTuple_GET_SIZE(children);
        for (Py_ssize_t i = 0; i < n; i++) {
            SchedulerObject *c = (SchedulerObject *)PyTuple_GET_ITEM(children, i);
            self->has_callbacks |= c->has_callbacks;
            scheduler_invalidate(c);
        }
    }
    scheduler_update_fast(self);
}

/* -1 with RuntimeError when the scheduler is already bound: re-binding would release
 * the callbacks a composite built on the old handle may still call. */
static int
check_unbound(SchedulerObject *self)
{
    if (self->handle != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "this scheduler is already initialized");
        return -1;
    }
    return 0;
}

static OptimizerObject *
optimizer_arg(_lrsched_state *st, PyObject *arg, const char *who)
{
    if (!PyObject_TypeCheck(arg, st->optimizer_type)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an lrsched._lrsched.Optimizer, got %.100s", who,
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    OptimizerObject *opt = (OptimizerObject *)arg;
    if (optimizer_check(opt) < 0) {
        return NULL;
    }
    return opt;
}

PyDoc_STRVAR(Scheduler_init_json_doc,
"_init_json(optimizer, spec, /)\n--\n\n"
"Builds the scheduler from a JSON spec on optimizer (lrsched_scheduler_create_from_json).");

static PyObject *
Scheduler_init_json(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "_init_json(optimizer, spec) takes 2 positional arguments");
        return NULL;
    }
    OptimizerObject *opt = optimizer_arg(st, args[0], "_init_json");
    if (opt == NULL) {
        return NULL;
    }
    Py_ssize_t len;
    const char *spec = utf8_arg(args[1], "spec", &len);
    if (spec == NULL) {
        return NULL;
    }
    lrsched_scheduler *h = NULL;
    int rc = lrsched_scheduler_create_from_json(opt->handle, spec, (size_t)len, &h);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    scheduler_install(self, h, opt, NULL, NULL);
    Py_RETURN_NONE;
}

/* The lrsched_lr_fn of every Python lr_lambda; user is the callable (kept alive by the
 * scheduler's callbacks tuple). Called with the GIL held, during a step. */
static int
lr_fn_failed(void)
{
    PyErr_Fetch(&stored_exc[0], &stored_exc[1], &stored_exc[2]);
    if (stored_exc[0] == NULL) { /* cannot happen: a failure without an exception */
        stored_exc[0] = Py_NewRef(PyExc_SystemError);
    }
    return 1;
}

static int
lr_fn_trampoline(int64_t epoch, void *user, double *out)
{
    if (has_stored_exception()) {
        return 1; /* an earlier callback of this call failed: keep its exception */
    }
    PyObject *e = PyLong_FromLongLong((long long)epoch);
    if (e == NULL) {
        return lr_fn_failed();
    }
    PyObject *r = PyObject_CallOneArg((PyObject *)user, e);
    Py_DECREF(e);
    if (r == NULL) {
        return lr_fn_failed(); /* stored: raise_from_status() re-raises it */
    }
    double v = PyFloat_AsDouble(r); /* float(result): ints such as e // 10 are fine */
    Py_DECREF(r);
    if (v == -1.0 && PyErr_Occurred()) {
        return lr_fn_failed();
    }
    *out = v;
    return 0;
}

/* The lrsched_lr_fn array of Python callables (the trampoline for each, the callable as
 * its user data, borrowed from fns): 0, or -1 with MemoryError. Free both with PyMem_Free. */
static int
lr_fn_arrays(PyObject *fns, lrsched_lr_fn **cfns, void ***users)
{
    Py_ssize_t n = PyTuple_GET_SIZE(fns);
    *cfns = PyMem_New(lrsched_lr_fn, n > 0 ? n : 1);
    *users = PyMem_New(void *, n > 0 ? n : 1);
    if (*cfns == NULL || *users == NULL) {
        PyMem_Free(*cfns);
        PyMem_Free(*users);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        (*cfns)[i] = lr_fn_trampoline;
        (*users)[i] = PyTuple_GET_ITEM(fns, i);
    }
    return 0;
}

/* Runs a library call that may call Python lr_lambdas: marks the optimizer busy so that
 * other threads (which may run while a callback executes) cannot use it meanwhile. */
#define CALL_WITH_CALLBACKS(self_has_callbacks, opt, rc, call)                 \
    do {                                                                       \
        if (self_has_callbacks) {                                              \
            BusyToken tok_ = mark_busy(opt);                                   \
            rc = (call);                                                       \
            unmark_busy(opt, tok_);                                            \
        }                                                                      \
        else {                                                                 \
            rc = (call);                                                       \
        }                                                                      \
    } while (0)

PyDoc_STRVAR(Scheduler_init_lambda_doc,
"_init_lambda(optimizer, fns, last_epoch, multiplicative, /)\n--\n\n"
"LambdaLR (multiplicative false) or MultiplicativeLR with Python callables: one for every\n"
"group (a 1-element list) or one per group.");

static PyObject *
Scheduler_init_lambda(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 4 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "_init_lambda(optimizer, fns, last_epoch, multiplicative) takes 4 positional arguments");
        return NULL;
    }
    OptimizerObject *opt = optimizer_arg(st, args[0], "_init_lambda");
    if (opt == NULL) {
        return NULL;
    }
    long long last_epoch = PyLong_AsLongLong(args[2]);
    if (last_epoch == -1 && PyErr_Occurred()) {
        return NULL;
    }
    int multiplicative = PyObject_IsTrue(args[3]);
    if (multiplicative < 0) {
        return NULL;
    }
    PyObject *fns = PySequence_Tuple(args[1]);
    if (fns == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(fns);
    lrsched_lr_fn *cfns;
    void **users;
    if (lr_fn_arrays(fns, &cfns, &users) < 0) {
        Py_DECREF(fns);
        return NULL;
    }
    lrsched_scheduler *h = NULL;
    int rc;
    /* Construction performs torch's initial step, which may call the functions. */
    CALL_WITH_CALLBACKS(1, opt, rc,
                        multiplicative
                            ? lrsched_multiplicative_lr_create(opt->handle, cfns, users, (size_t)n,
                                                               (int64_t)last_epoch, &h)
                            : lrsched_lambda_lr_create(opt->handle, cfns, users, (size_t)n,
                                                       (int64_t)last_epoch, &h));
    PyMem_Free(cfns);
    PyMem_Free(users);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        lrsched_scheduler_free(h);
        Py_DECREF(fns);
        return raise_from_status(rc);
    }
    scheduler_install(self, h, opt, fns, NULL);
    Py_DECREF(fns);
    Py_RETURN_NONE;
}

/* The lrsched_real_fn of a Python function of a float (timm's WSD decay_fn); user is
 * the callable, kept alive by the scheduler's callbacks tuple. */
static int
real_fn_trampoline(double x, void *user, double *out)
{
    if (has_stored_exception()) {
        return 1;
    }
    PyObject *a = PyFloat_FromDouble(x);
    if (a == NULL) {
        return lr_fn_failed();
    }
    PyObject *r = PyObject_CallOneArg((PyObject *)user, a);
    Py_DECREF(a);
    if (r == NULL) {
        return lr_fn_failed();
    }
    double v = PyFloat_AsDouble(r);
    Py_DECREF(r);
    if (v == -1.0 && PyErr_Occurred()) {
        return lr_fn_failed();
    }
    *out = v;
    return 0;
}

/* Sets each (key, callable) of lr_fns on spec as one lr function (lrsched_lr_fn: lr_lambda,
 * CyclicLR's scale_fn) and of real_fns as a function of a float; 0, -1 (a Python
 * error), or a status. */
static int
spec_set_fns(lrsched_spec *spec, PyObject *lr_fns, PyObject *real_fns)
{
    Py_ssize_t pos = 0;
    PyObject *key, *fn;
    int rc = LRSCHED_OK;
    while (rc == LRSCHED_OK && PyDict_Next(lr_fns, &pos, &key, &fn)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (k == NULL) {
            return -1;
        }
        const lrsched_lr_fn f = lr_fn_trampoline;
        void *const user = fn;
        rc = lrsched_spec_set_lr_fns(spec, k, &f, &user, 1);
    }
    pos = 0;
    while (rc == LRSCHED_OK && PyDict_Next(real_fns, &pos, &key, &fn)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (k == NULL) {
            return -1;
        }
        rc = lrsched_spec_set_real_fn(spec, k, real_fn_trampoline, fn);
    }
    return rc;
}

/* The lrsched_lrs_fn of a Python LRScheduler subclass: user is a callable (its bound
 * _custom_lrs, kept alive by the scheduler's callbacks tuple) called as f(epoch, flags)
 * and returning one lr per group. Called with the GIL held, during a step. */
static int
lrs_fn_trampoline(int64_t epoch, int flags, void *user, double *lrs, size_t n_groups)
{
    if (has_stored_exception()) {
        return 1;
    }
    PyObject *r = PyObject_CallFunction((PyObject *)user, "Li", (long long)epoch, flags);
    if (r == NULL) {
        return lr_fn_failed();
    }
    PyObject *seq = PySequence_Fast(r, "get_lr() must return a sequence of lrs");
    Py_DECREF(r);
    if (seq == NULL) {
        return lr_fn_failed();
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if ((size_t)n != n_groups) {
        PyErr_Format(PyExc_ValueError, "get_lr() returned %zd lrs for %zu param groups", n, n_groups);
        Py_DECREF(seq);
        return lr_fn_failed();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double v = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1.0 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return lr_fn_failed();
        }
        lrs[i] = v;
    }
    Py_DECREF(seq);
    return 0;
}

PyDoc_STRVAR(Scheduler_init_custom_doc,
"_init_custom(optimizer, fn, has_closed_form, last_epoch, /)\n--\n\n"
"A Python LRScheduler subclass: fn(epoch, flags) returns every group's lr\n"
"(lrsched_custom_lr_create).");

static PyObject *
Scheduler_init_custom(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 4 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "_init_custom(optimizer, fn, has_closed_form, last_epoch) takes 4 positional arguments");
        return NULL;
    }
    OptimizerObject *opt = optimizer_arg(st, args[0], "_init_custom");
    if (opt == NULL) {
        return NULL;
    }
    int closed = PyObject_IsTrue(args[2]);
    if (closed < 0) {
        return NULL;
    }
    long long last_epoch = PyLong_AsLongLong(args[3]);
    if (last_epoch == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *fns = PyTuple_Pack(1, args[1]);
    if (fns == NULL) {
        return NULL;
    }
    lrsched_scheduler *h = NULL;
    int rc;
    CALL_WITH_CALLBACKS(1, opt, rc,
                        lrsched_custom_lr_create(opt->handle, lrs_fn_trampoline, args[1], closed,
                                                 (int64_t)last_epoch, &h));
    if (rc != LRSCHED_OK || has_stored_exception()) {
        lrsched_scheduler_free(h);
        Py_DECREF(fns);
        return raise_from_status(rc);
    }
    scheduler_install(self, h, opt, fns, NULL);
    Py_DECREF(fns);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_init_json_fns_doc,
"_init_json_fns(optimizer, spec, lr_fns, real_fns, /)\n--\n\n"
"Builds the scheduler from a JSON spec and dicts of Python functions by key: lr functions\n"
"(lr_lambda, CyclicLR's scale_fn) and functions of a float (timm's WSD decay_fn)\n"
"(lrsched_spec_create_from_json, lrsched_spec_set_lr_fns, lrsched_spec_set_real_fn,\n"
"lrsched_scheduler_create).");

static PyObject *
Scheduler_init_json_fns(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 4 || kwnames != NULL || !PyDict_Check(args[2]) || !PyDict_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "_init_json_fns(optimizer, spec, lr_fns, real_fns) takes 4 positional arguments, two dicts");
        return NULL;
    }
    OptimizerObject *opt = optimizer_arg(st, args[0], "_init_json_fns");
    if (opt == NULL) {
        return NULL;
    }
    Py_ssize_t len;
    const char *text = utf8_arg(args[1], "spec", &len);
    if (text == NULL) {
        return NULL;
    }
    /* The callables, kept alive by the scheduler. */
    PyObject *lrs = PyDict_Values(args[2]);
    PyObject *reals = PyDict_Values(args[3]);
    PyObject *callbacks = lrs && reals ? PySequence_Concat(lrs, reals) : NULL;
    Py_XDECREF(lrs);
    Py_XDECREF(reals);
    if (callbacks == NULL) {
        return NULL;
    }
    lrsched_spec *spec = NULL;
    lrsched_scheduler *h = NULL;
    int rc = lrsched_spec_create_from_json(text, (size_t)len, &spec);
    if (rc == LRSCHED_OK) {
        rc = spec_set_fns(spec, args[2], args[3]);
    }
    if (rc == LRSCHED_OK) {
        CALL_WITH_CALLBACKS(1, opt, rc, lrsched_scheduler_create(opt->handle, spec, &h));
    }
    lrsched_spec_free(spec);
    if (rc < 0) {
        Py_DECREF(callbacks);
        return NULL;
    }
    if (rc != LRSCHED_OK || has_stored_exception()) {
        lrsched_scheduler_free(h);
        Py_DECREF(callbacks);
        return raise_from_status(rc);
    }
    PyObject *t = PyList_AsTuple(callbacks);
    Py_DECREF(callbacks);
    if (t == NULL) {
        lrsched_scheduler_free(h);
        return NULL;
    }
    scheduler_install(self, h, opt, t, NULL);
    Py_DECREF(t);
    Py_RETURN_NONE;
}

/* A tuple of initialised Scheduler objects from a sequence; fills handles[]. */
static PyObject *
children_arg(_lrsched_state *st, PyObject *seq, const char *owner, lrsched_scheduler ***handles)
{
    PyObject *children = PySequence_Tuple(seq);
    if (children == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(children);
    *handles = PyMem_New(lrsched_scheduler *, n > 0 ? n : 1);
    if (*handles == NULL) {
        Py_DECREF(children);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyTuple_GET_ITEM(children, i);
        if (!PyObject_TypeCheck(c, st->scheduler_type)) {
            PyErr_Format(PyExc_TypeError, "%s: children[%zd] is not a Scheduler", owner, i);
            goto error;
        }
        if (scheduler_check((SchedulerObject *)c) < 0) {
            goto error;
        }
        (*handles)[i] = ((SchedulerObject *)c)->handle;
    }
    return children;
error:
    PyMem_Free(*handles);
    *handles = NULL;
    Py_DECREF(children);
    return NULL;
}

/* int64 values from a sequence of ints. */
static int64_t *
int64_array(PyObject *seq, Py_ssize_t *n_out)
{
    PyObject *t = PySequence_Tuple(seq);
    if (t == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    int64_t *v = PyMem_New(int64_t, n > 0 ? n : 1);
    if (v == NULL) {
        Py_DECREF(t);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long long x = PyLong_AsLongLong(PyTuple_GET_ITEM(t, i));
        if (x == -1 && PyErr_Occurred()) {
            PyMem_Free(v);
            Py_DECREF(t);
            return NULL;
        }
        v[i] = (int64_t)x;
    }
    Py_DECREF(t);
    *n_out = n;
    return v;
}

PyDoc_STRVAR(Scheduler_init_sequential_doc,
"_init_sequential(optimizer, schedulers, milestones, last_epoch, /)\n--\n\n"
"SequentialLR over existing child schedulers (lrsched_sequential_lr_create).");

static PyObject *
Scheduler_init_sequential(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 4 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "_init_sequential(optimizer, schedulers, milestones, last_epoch) takes 4 positional arguments");
        return NULL;
    }
    OptimizerObject *opt = optimizer_arg(st, args[0], "_init_sequential");
    if (opt == NULL) {
        return NULL;
    }
    long long last_epoch = PyLong_AsLongLong(args[3]);
    if (last_epoch == -1 && PyErr_Occurred()) {
        return NULL;
    }
    lrsched_scheduler **handles = NULL;
    PyObject *children = children_arg(st, args[1], "SequentialLR", &handles);
    if (children == NULL) {
        return NULL;
    }
    Py_ssize_t n_ms = 0;
    int64_t *ms = int64_array(args[2], &n_ms);
    if (ms == NULL) {
        PyMem_Free(handles);
        Py_DECREF(children);
        return NULL;
    }
    int has_cb = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(children); i++) {
        has_cb |= ((SchedulerObject *)PyTuple_GET_ITEM(children, i))->has_callbacks;
    }
    lrsched_scheduler *h = NULL;
    int rc;
    CALL_WITH_CALLBACKS(has_cb, opt, rc,
                        lrsched_sequential_lr_create(opt->handle, handles, (size_t)PyTuple_GET_SIZE(children),
                                                     ms, (size_t)n_ms, (int64_t)last_epoch, &h));
    PyMem_Free(handles);
    PyMem_Free(ms);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        lrsched_scheduler_free(h);
        /* Children may have been touched before the failure was found. */
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(children); i++) {
            scheduler_invalidate((SchedulerObject *)PyTuple_GET_ITEM(children, i));
        }
        Py_DECREF(children);
        return raise_from_status(rc);
    }
    scheduler_install(self, h, opt, NULL, children);
    Py_DECREF(children);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_init_chained_doc,
"_init_chained(schedulers, optimizer, /)\n--\n\n"
"ChainedScheduler over existing child schedulers; optimizer may be None (the first\n"
"child's) (lrsched_chained_scheduler_create).");

static PyObject *
Scheduler_init_chained(SchedulerObject *self, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames)
{
    _lrsched_state *st = (_lrsched_state *)PyType_GetModuleState(cls);
    if (check_unbound(self) < 0) {
        return NULL;
    }
    if (nargs != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "_init_chained(schedulers, optimizer) takes 2 positional arguments");
        return NULL;
    }
    OptimizerObject *opt = NULL;
    if (args[1] != Py_None) {
        opt = optimizer_arg(st, args[1], "_init_chained");
        if (opt == NULL) {
            return NULL;
        }
    }
    lrsched_scheduler **handles = NULL;
    PyObject *children = children_arg(st, args[0], "ChainedScheduler", &handles);
    if (children == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(children);
    if (opt == NULL && n > 0) {
        opt = ((SchedulerObject *)PyTuple_GET_ITEM(children, 0))->opt;
    }
    lrsched_scheduler *h = NULL;
    int rc = lrsched_chained_scheduler_create(handles, (size_t)n, opt != NULL ? opt->handle : NULL, &h);
    PyMem_Free(handles);
    if (rc != LRSCHED_OK) {
        Py_DECREF(children);
        return raise_from_status(rc);
    }
    scheduler_install(self, h, opt, NULL, children);
    Py_DECREF(children);
    Py_RETURN_NONE;
}

/* The raw steps: lrsched_scheduler_step / _step_metric / _step_epoch, with the busy mark
 * while Python lr_lambdas may run, then the get_last_lr() caches dropped. */
enum step_kind { STEP_PLAIN, STEP_METRIC, STEP_EPOCH, STEP_EPOCH_INT };

static PyObject *
scheduler_raw_step(SchedulerObject *self, enum step_kind kind, PyObject *arg)
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    double v = 0.0;
    long long e = 0;
    if (kind == STEP_EPOCH_INT) {
        e = PyLong_AsLongLong(arg); /* an int in int64, checked by the caller */
        if (e == -1 && PyErr_Occurred()) {
            return NULL;
        }
    } else if (kind != STEP_PLAIN) {
        v = PyFloat_AsDouble(arg); /* float(arg), as torch */
        if (v == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
    }
    int rc;
    CALL_WITH_CALLBACKS(self->has_callbacks, self->opt, rc,
                        kind == STEP_PLAIN       ? lrsched_scheduler_step(self->handle)
                        : kind == STEP_METRIC    ? lrsched_scheduler_step_metric(self->handle, v)
                        : kind == STEP_EPOCH_INT ? lrsched_scheduler_step_epoch_int(self->handle, (int64_t)e)
                                                 : lrsched_scheduler_step_epoch(self->handle, v));
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        return raise_from_status(rc);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_step_plain_doc, "_step()\n--\n\nlrsched_scheduler_step.");

static PyObject *
Scheduler_step_plain(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    return scheduler_raw_step(self, STEP_PLAIN, NULL);
}

PyDoc_STRVAR(Scheduler_step_metric_doc, "_step_metric(metric, /)\n--\n\nlrsched_scheduler_step_metric(float(metric)).");

static PyObject *
Scheduler_step_metric(SchedulerObject *self, PyObject *metric)
{
    return scheduler_raw_step(self, STEP_METRIC, metric);
}

PyDoc_STRVAR(Scheduler_step_epoch_doc, "_step_epoch(epoch, /)\n--\n\nlrsched_scheduler_step_epoch(float(epoch)).");

static PyObject *
Scheduler_step_epoch(SchedulerObject *self, PyObject *epoch)
{
    return scheduler_raw_step(self, STEP_EPOCH, epoch);
}

PyDoc_STRVAR(Scheduler_step_epoch_int_doc,
"_step_epoch_int(epoch, /)\n--\n\nlrsched_scheduler_step_epoch_int(epoch): an int epoch, exact over int64.");

static PyObject *
Scheduler_step_epoch_int(SchedulerObject *self, PyObject *epoch)
{
    return scheduler_raw_step(self, STEP_EPOCH_INT, epoch);
}

PyDoc_STRVAR(Scheduler_step_at_doc,
"_step_at(t, update, metric, /)\n--\n\n"
"lrsched_scheduler_step_at: timm's step(t, metric) (update false) or step_update(t, metric);\n"
"metric None is None.");

static PyObject *
Scheduler_step_at(SchedulerObject *self, PyObject *args)
{
    long long t;
    int update;
    PyObject *metric;
    if (!PyArg_ParseTuple(args, "LpO:_step_at", &t, &update, &metric) || scheduler_check(self) < 0) {
        return NULL;
    }
    double m = 0.0;
    if (metric != Py_None) {
        m = PyFloat_AsDouble(metric); /* float(metric), as timm's arithmetic */
        if (m == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
    }
    int rc;
    CALL_WITH_CALLBACKS(self->has_callbacks, self->opt, rc,
                        lrsched_scheduler_step_at(self->handle, (int64_t)t, update, metric == Py_None ? NULL : &m));
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        return raise_from_status(rc);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_check_doc,
"_check()\n--\n\n"
"RuntimeError when the scheduler is not initialized or its optimizer is in use by\n"
"another thread.");

static PyObject *
Scheduler_check(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_step_doc,
"step(epoch=None)\n--\n\n"
"Advances the schedule by one step and writes the new lrs to the optimizer's groups.\n"
"ReduceLROnPlateau: step(metrics). step(epoch) is torch's deprecated closed-form jump\n"
"(it warns, except for CosineAnnealingWarmRestarts, whose fractional epochs are intended).\n"
"A failing step (ZeroDivisionError, OneCycleLR past its end, an exception in an lr_lambda)\n"
"changes nothing.");

/* step(): the hot paths (a plain scheduler, no arguments or one metric) in C; anything else (arguments,
 * composites, lr_lambdas, foreign optimizers, another thread's busy mark) goes to the
 * shared Python _step_slow(), which parses torch's arguments and calls the raw steps. */
static PyObject *
Scheduler_step(SchedulerObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (self->fast && kwnames == NULL && !self->opt->busy && (nargs == 0 || (nargs == 1 && self->metric))) {
        int rc;
        if (nargs == 0) {
            rc = lrsched_scheduler_step(self->handle);
        }
        else { /* step(metrics), a metric-driven scheduler's usual call: float(metrics), as torch */
            double m = PyFloat_AsDouble(args[0]);
            if (m == -1.0 && PyErr_Occurred()) {
                return NULL;
            }
            rc = lrsched_scheduler_step_metric(self->handle, m);
        }
        self->last_lr_stale = 1;
        if (rc != LRSCHED_OK) {
            return raise_from_status(rc);
        }
        Py_RETURN_NONE;
    }
    _lrsched_state *st = state_of_type(Py_TYPE(self));
    if (st == NULL) {
        return NULL;
    }
    Py_ssize_t total = nargs + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *small[8];
    PyObject **vec = total + 1 <= 8 ? small : PyMem_New(PyObject *, total + 1);
    if (vec == NULL) {
        return PyErr_NoMemory();
    }
    vec[0] = (PyObject *)self;
    for (Py_ssize_t i = 0; i < total; i++) {
        vec[i + 1] = args[i];
    }
    PyObject *r = PyObject_VectorcallMethod(st->str_step_slow, vec, (size_t)(nargs + 1), kwnames);
    if (vec != small) {
        PyMem_Free(vec);
    }
    return r;
}

static int
get_scheduler_last_lr(const void *obj, double *buf, size_t capacity, size_t *count)
{
    return lrsched_scheduler_last_lr((const lrsched_scheduler *)obj, buf, capacity, count);
}

PyDoc_STRVAR(Scheduler_get_last_lr_doc,
"get_last_lr()\n--\n\n"
"The lrs this scheduler computed at its last step (a list of floats, one per group). As\n"
"in torch, the same list object is returned until the next step.");

/* Refreshes the cached list in place when nothing but the cache refers to it or to its
 * floats (so no one can observe the reuse); 0 if it cannot be reused. */
static int
refresh_last_lr_in_place(SchedulerObject *self, const double *v, size_t n)
{
    PyObject *list = self->last_lr;
    if (list == NULL || Py_REFCNT(list) != 1 || PyList_GET_SIZE(list) != (Py_ssize_t)n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *f = PyList_GET_ITEM(list, (Py_ssize_t)i);
        if (!PyFloat_CheckExact(f) || Py_REFCNT(f) != 1) {
            return 0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        ((PyFloatObject *)PyList_GET_ITEM(list, (Py_ssize_t)i))->ob_fval = v[i];
    }
    return 1;
}

static PyObject *
Scheduler_get_last_lr(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (!self->last_lr_stale && self->last_lr != NULL) {
        return Py_NewRef(self->last_lr);
    }
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    double small[SMALL_GROUPS];
    size_t n = 0;
    int rc = lrsched_scheduler_last_lr(self->handle, small, SMALL_GROUPS, &n);
    PyObject *list;
    if (rc == LRSCHED_OK) {
        if (refresh_last_lr_in_place(self, small, n)) {
            self->last_lr_stale = 0;
            return Py_NewRef(self->last_lr);
        }
        list = doubles_to_list(small, n);
    }
    else if (rc == LRSCHED_BUFFER_TOO_SMALL) {
        list = read_doubles(get_scheduler_last_lr, self->handle);
    }
    else {
        return raise_from_status(rc);
    }
    if (list == NULL) {
        return NULL;
    }
    Py_XSETREF(self->last_lr, Py_NewRef(list));
    self->last_lr_stale = 0;
    return list;
}

static int
get_scheduler_base_lrs(const void *obj, double *buf, size_t capacity, size_t *count)
{
    return lrsched_scheduler_base_lrs((const lrsched_scheduler *)obj, buf, capacity, count);
}

static PyObject *
Scheduler_get_base_lrs(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    return read_doubles(get_scheduler_base_lrs, self->handle);
}

static PyObject *
Scheduler_get_last_epoch(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    int64_t e = 0;
    int rc = lrsched_scheduler_last_epoch(self->handle, &e);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyLong_FromLongLong((long long)e);
}

static PyObject *
Scheduler_get_type_name(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (self->handle == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_FromString(lrsched_scheduler_type(self->handle));
}

PyDoc_STRVAR(Scheduler_flags_doc,
"flags()\n--\n\nThe scheduler's LRSCHED_FLAG_* bits (lrsched_scheduler_flags).");

static PyObject *
Scheduler_flags(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    uint32_t flags = 0;
    int rc = lrsched_scheduler_flags(self->handle, &flags);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyLong_FromUnsignedLong((unsigned long)flags);
}

PyDoc_STRVAR(Scheduler_cycle_length_doc,
"cycle_length(cycles)\n--\n\ntimm's get_cycle_length(cycles) (lrsched_scheduler_cycle_length).");

static PyObject *
Scheduler_cycle_length(SchedulerObject *self, PyObject *args)
{
    long long cycles;
    if (!PyArg_ParseTuple(args, "L:cycle_length", &cycles) || scheduler_check(self) < 0) {
        return NULL;
    }
    int64_t out = 0;
    int rc = lrsched_scheduler_cycle_length(self->handle, (int64_t)cycles, &out);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyLong_FromLongLong((long long)out);
}

PyDoc_STRVAR(Scheduler_num_epochs_doc,
"num_epochs()\n--\n\ntimm's create_scheduler_v2 epoch count (lrsched_scheduler_num_epochs).");

static PyObject *
Scheduler_num_epochs(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    int64_t out = 0;
    int rc = lrsched_scheduler_num_epochs(self->handle, &out);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyLong_FromLongLong((long long)out);
}

static PyObject *
Scheduler_get_opt(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (self->opt == NULL) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(self->opt);
}

static PyObject *
Scheduler_get_foreign(SchedulerObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(self->foreign);
}

static int
Scheduler_set_foreign(SchedulerObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete _foreign");
        return -1;
    }
    int b = PyObject_IsTrue(value);
    if (b < 0) {
        return -1;
    }
    self->foreign = (char)b;
    scheduler_update_fast(self);
    return 0;
}

static PyObject *
Scheduler_get_has_callbacks(SchedulerObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(self->has_callbacks);
}

static PyObject *
Scheduler_get_children(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (self->children == NULL) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(self->children);
}

static int
get_scheduler_state(const void *obj, char *buf, size_t capacity, size_t *len)
{
    return lrsched_scheduler_state_save((const lrsched_scheduler *)obj, buf, capacity, len);
}

PyDoc_STRVAR(Scheduler_state_save_doc,
"_state_save()\n--\n\nThe scheduler's state as JSON text (lrsched_scheduler_state_save).");

static PyObject *
Scheduler_state_save(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    return read_text(get_scheduler_state, self->handle);
}

PyDoc_STRVAR(Scheduler_state_load_doc,
"_state_load(json, /)\n--\n\nRestores a saved state (lrsched_scheduler_state_load).");

static PyObject *
Scheduler_state_load(SchedulerObject *self, PyObject *arg)
{
    Py_ssize_t len;
    const char *s = utf8_arg(arg, "json", &len);
    if (s == NULL || scheduler_check(self) < 0) {
        return NULL;
    }
    int rc = lrsched_scheduler_state_load(self->handle, s, (size_t)len);
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    Py_RETURN_NONE;
}

/* torch's scheduler internals reached from outside the class (lrsched_scheduler_set_last_epoch,
 * _step_count, _initial_step, _update_lr, get_lr): torch's SequentialLR and frameworks use them. */

static int
Scheduler_set_last_epoch(SchedulerObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete last_epoch");
        return -1;
    }
    if (scheduler_check(self) < 0) {
        return -1;
    }
    long long e = PyLong_AsLongLong(value); /* an int, as torch's counter (OverflowError beyond int64) */
    if (e == -1 && PyErr_Occurred()) {
        return -1;
    }
    int rc = lrsched_scheduler_set_last_epoch(self->handle, (int64_t)e);
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK) {
        raise_from_status(rc);
        return -1;
    }
    return 0;
}

static PyObject *
Scheduler_get_step_count(SchedulerObject *self, void *Py_UNUSED(closure))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    int64_t n = 0;
    int rc = lrsched_scheduler_step_count(self->handle, &n);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyLong_FromLongLong((long long)n);
}

PyDoc_STRVAR(Scheduler_initial_step_raw_doc,
"_initial_step_raw()\n--\n\ntorch's _initial_step() (lrsched_scheduler_initial_step).");

static PyObject *
Scheduler_initial_step_raw(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    int rc;
    CALL_WITH_CALLBACKS(self->has_callbacks, self->opt, rc, lrsched_scheduler_initial_step(self->handle));
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        return raise_from_status(rc);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Scheduler_update_lr_raw_doc,
"_update_lr_raw(epoch, /)\n--\n\ntorch's _update_lr(epoch); epoch None or an int (lrsched_scheduler_update_lr).");

static PyObject *
Scheduler_update_lr_raw(SchedulerObject *self, PyObject *epoch)
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    long long e = 0;
    if (epoch != Py_None) {
        e = PyLong_AsLongLong(epoch);
        if (e == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    int rc;
    CALL_WITH_CALLBACKS(self->has_callbacks, self->opt, rc,
                        lrsched_scheduler_update_lr(self->handle, (int64_t)e, epoch != Py_None));
    scheduler_invalidate(self);
    if (rc != LRSCHED_OK || has_stored_exception()) {
        return raise_from_status(rc);
    }
    Py_RETURN_NONE;
}

static int
get_scheduler_get_lr(const void *obj, double *buf, size_t capacity, size_t *count)
{
    return lrsched_scheduler_get_lr((const lrsched_scheduler *)obj, buf, capacity, count);
}

PyDoc_STRVAR(Scheduler_get_lr_raw_doc,
"_get_lr_raw()\n--\n\ntorch's get_lr() at the current last_epoch, computed on a copy (lrsched_scheduler_get_lr).");

static PyObject *
Scheduler_get_lr_raw(SchedulerObject *self, PyObject *Py_UNUSED(ignored))
{
    if (scheduler_check(self) < 0) {
        return NULL;
    }
    PyObject *r;
    if (self->has_callbacks) {
        BusyToken tok = mark_busy(self->opt);
        r = read_doubles(get_scheduler_get_lr, self->handle);
        unmark_busy(self->opt, tok);
    }
    else {
        r = read_doubles(get_scheduler_get_lr, self->handle);
    }
    if (r != NULL && has_stored_exception()) {
        Py_DECREF(r);
        return raise_from_status(LRSCHED_CALLBACK_FAILED);
    }
    return r;
}

static PyMethodDef Scheduler_methods[] = {
    {"step", (PyCFunction)(void (*)(void))Scheduler_step, METH_FASTCALL | METH_KEYWORDS, Scheduler_step_doc},
    {"get_last_lr", (PyCFunction)Scheduler_get_last_lr, METH_NOARGS, Scheduler_get_last_lr_doc},
    {"_step", (PyCFunction)Scheduler_step_plain, METH_NOARGS, Scheduler_step_plain_doc},
    {"_step_metric", (PyCFunction)Scheduler_step_metric, METH_O, Scheduler_step_metric_doc},
    {"_step_epoch", (PyCFunction)Scheduler_step_epoch, METH_O, Scheduler_step_epoch_doc},
    {"_step_epoch_int", (PyCFunction)Scheduler_step_epoch_int, METH_O, Scheduler_step_epoch_int_doc},
    {"_step_at", (PyCFunction)Scheduler_step_at, METH_VARARGS, Scheduler_step_at_doc},
    {"_check", (PyCFunction)Scheduler_check, METH_NOARGS, Scheduler_check_doc},
    {"flags", (PyCFunction)Scheduler_flags, METH_NOARGS, Scheduler_flags_doc},
    {"cycle_length", (PyCFunction)Scheduler_cycle_length, METH_VARARGS, Scheduler_cycle_length_doc},
    {"num_epochs", (PyCFunction)Scheduler_num_epochs, METH_NOARGS, Scheduler_num_epochs_doc},
    {"_init_json", (PyCFunction)(void (*)(void))Scheduler_init_json, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     Scheduler_init_json_doc},
    {"_init_lambda", (PyCFunction)(void (*)(void))Scheduler_init_lambda,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Scheduler_init_lambda_doc},
    {"_init_custom", (PyCFunction)(void (*)(void))Scheduler_init_custom,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Scheduler_init_custom_doc},
    {"_init_json_fns", (PyCFunction)(void (*)(void))Scheduler_init_json_fns,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Scheduler_init_json_fns_doc},
    {"_init_sequential", (PyCFunction)(void (*)(void))Scheduler_init_sequential,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Scheduler_init_sequential_doc},
    {"_init_chained", (PyCFunction)(void (*)(void))Scheduler_init_chained,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Scheduler_init_chained_doc},
    {"_state_save", (PyCFunction)Scheduler_state_save, METH_NOARGS, Scheduler_state_save_doc},
    {"_state_load", (PyCFunction)Scheduler_state_load, METH_O, Scheduler_state_load_doc},
    {"_initial_step_raw", (PyCFunction)Scheduler_initial_step_raw, METH_NOARGS, Scheduler_initial_step_raw_doc},
    {"_update_lr_raw", (PyCFunction)Scheduler_update_lr_raw, METH_O, Scheduler_update_lr_raw_doc},
    {"_get_lr_raw", (PyCFunction)Scheduler_get_lr_raw, METH_NOARGS, Scheduler_get_lr_raw_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Scheduler_getset[] = {
    {"last_epoch", (getter)Scheduler_get_last_epoch, (setter)Scheduler_set_last_epoch,
     "The epoch counter (torch's last_epoch); assignable, as in torch.", NULL},
    {"_step_count", (getter)Scheduler_get_step_count, NULL, "torch's _step_count (1 after construction).", NULL},
    {"base_lrs", (getter)Scheduler_get_base_lrs, NULL,
     "The groups' initial lrs the schedule is computed from (empty for ReduceLROnPlateau and composites).", NULL},
    {"_type_name", (getter)Scheduler_get_type_name, NULL, "torch's class name of the library scheduler.", NULL},
    {"_opt", (getter)Scheduler_get_opt, NULL, "The library optimizer the scheduler is attached to.", NULL},
    {"_foreign", (getter)Scheduler_get_foreign, (setter)Scheduler_set_foreign,
     "Whether step() synchronises with a foreign optimizer (through _step_slow()).", NULL},
    {"_has_callbacks", (getter)Scheduler_get_has_callbacks, NULL, "Whether Python lr_lambdas are involved.", NULL},
    {"_children", (getter)Scheduler_get_children, NULL, "The child schedulers of a composite (a tuple) or None.",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(Scheduler_doc,
"Scheduler()\n--\n\n"
"An lrsched_scheduler handle: the base class of lrsched's scheduler classes (StepLR, ...),\n"
"whose __init__ binds it with one of the _init_* methods.");

static PyType_Slot Scheduler_slots[] = {
    {Py_tp_new, Scheduler_new},
    {Py_tp_dealloc, Scheduler_dealloc},
    {Py_tp_traverse, Scheduler_traverse},
    {Py_tp_clear, Scheduler_clear},
    {Py_tp_methods, Scheduler_methods},
    {Py_tp_getset, Scheduler_getset},
    {Py_tp_doc, (void *)Scheduler_doc},
    {0, NULL},
};

/* A base type (the torch-API classes subclass it); module state is found through
 * METH_METHOD's defining class or PyType_GetModuleByDef, both safe for subclasses. */
static PyType_Spec Scheduler_spec = {
    .name = "lrsched._lrsched.Scheduler",
    .basicsize = sizeof(SchedulerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Scheduler_slots,
};

/* ---------------------------------------------------------------------------------
 * Training: Model, Sgd, Trainer
 *
 * Thin handles of lrsched_model, lrsched_sgd and lrsched_trainer. Data and parameter
 * values travel as float32 buffers (the buffer protocol): fit and forward read the
 * caller's memory in place, holding a buffer export (which keeps the exporter alive and
 * unresizable) for the duration of the call. A fit that calls no Python code releases
 * the GIL; the model and the optimizers involved are marked busy meanwhile (and during
 * a fit whose epoch callback or lr_lambdas run Python code), so that other threads get
 * a RuntimeError instead of a data race.
 * ------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    lrsched_model *handle;
    int busy;
    unsigned long busy_owner;
} ModelObject;

typedef struct {
    PyObject_HEAD
    lrsched_sgd *handle;
    ModelObject *model;   /* the model whose parameters it updates */
    OptimizerObject *opt; /* its param groups (lrsched_sgd_optimizer), created once */
} SgdObject;

typedef struct {
    PyObject_HEAD
    lrsched_trainer *handle;
    ModelObject *model;
    SgdObject *sgd;
    PyObject *scheds;   /* tuple of Scheduler objects, stepped in order */
    char has_callbacks; /* a scheduler calls Python lr_lambdas */
} TrainerObject;

static BusyToken
model_mark_busy(ModelObject *m)
{
    BusyToken t = {m->busy, m->busy_owner};
    m->busy = 1;
    m->busy_owner = PyThread_get_thread_ident();
    return t;
}

static void
model_unmark_busy(ModelObject *m, BusyToken t)
{
    m->busy = t.was_busy;
    m->busy_owner = t.owner;
}

static int
model_check(ModelObject *self)
{
    if (self->handle == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "lrsched model is not initialized");
        return -1;
    }
    if (self->busy && self->busy_owner != PyThread_get_thread_ident()) {
        PyErr_SetString(PyExc_RuntimeError,
                        "this lrsched model is in use by another thread (a fit or forward); "
                        "lrsched objects must be used from one thread at a time");
        return -1;
    }
    return 0;
}

/* Whether a buffer format is a native float32 ('f', '=f', '@f', or the native byte
 * order's explicit prefix). */
static int
is_float32_format(const char *fmt)
{
    if (fmt == NULL) {
        return 0; /* unsigned bytes */
    }
    if (fmt[0] == '@' || fmt[0] == '=') {
        fmt++;
    }
#if PY_LITTLE_ENDIAN
    else if (fmt[0] == '<') {
        fmt++;
    }
#else
    else if (fmt[0] == '>' || fmt[0] == '!') {
        fmt++;
    }
#endif
    return fmt[0] == 'f' && fmt[1] == '\0';
}

#define ANY_COUNT ((size_t)-1)

/* Borrows obj's memory as C-contiguous float32 values: exactly n of them (any number for
 * ANY_COUNT). Release with PyBuffer_Release. -1 with an exception. */
static int
float32_buffer(PyObject *obj, Py_buffer *view, size_t n, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return -1;
    }
    if (view->itemsize != 4 || !is_float32_format(view->format)) {
        PyErr_Format(PyExc_TypeError, "%s must be a C-contiguous float32 buffer (format 'f'), got format '%s'",
                     what, view->format != NULL ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    if (n != ANY_COUNT && (size_t)view->len / 4 != n) {
        PyErr_Format(PyExc_ValueError, "%s holds %zd float32 values, expected %zu", what, view->len / 4, n);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A non-negative Py_ssize_t argument as size_t. */
static int
size_arg(PyObject *arg, const char *what, size_t *out)
{
    Py_ssize_t v = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (v < 0) {
        PyErr_Format(PyExc_ValueError, "%s must be >= 0, got %zd", what, v);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* rows x cols without overflow. */
static int
checked_product(size_t rows, size_t cols, const char *what, size_t *out)
{
    if (cols != 0 && rows > ((size_t)PY_SSIZE_T_MAX / 4) / cols) {
        PyErr_Format(PyExc_ValueError, "%s is too large (%zu x %zu values)", what, rows, cols);
        return -1;
    }
    *out = rows * cols;
    return 0;
}

static PyObject *
floats_to_list(const float *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble((double)v[i]);
        if (f == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, f);
    }
    return list;
}

/* --- Model ----------------------------------------------------------------------- */

static void
Model_dealloc(ModelObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    lrsched_model_free(self->handle);
    self->handle = NULL;
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Model_create_doc,
"create()\n--\n\n"
"An empty model (no layers) (lrsched_model_create).");

static PyObject *
Model_create(PyTypeObject *type, PyObject *Py_UNUSED(ignored))
{
    lrsched_model *h = NULL;
    int st = lrsched_model_create(&h);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    ModelObject *self = (ModelObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        lrsched_model_free(h);
        return NULL;
    }
    self->handle = h;
    return (PyObject *)self;
}

PyDoc_STRVAR(Model_add_linear_doc,
"add_linear(in_features, out_features, seed, /)\n--\n\n"
"Appends nn.Linear(in_features, out_features), initialised from seed\n"
"(lrsched_model_add_linear).");

static PyObject *
Model_add_linear(ModelObject *self, PyObject *args)
{
    long long in_features, out_features;
    PyObject *seed_obj;
    if (!PyArg_ParseTuple(args, "LLO:add_linear", &in_features, &out_features, &seed_obj)) {
        return NULL;
    }
    unsigned long long seed = PyLong_AsUnsignedLongLong(seed_obj);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    if (model_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_model_add_linear(self->handle, (int64_t)in_features, (int64_t)out_features, (uint64_t)seed);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Model_add_relu_doc, "add_relu()\n--\n\nAppends nn.ReLU() (lrsched_model_add_relu).");

static PyObject *
Model_add_relu(ModelObject *self, PyObject *Py_UNUSED(ignored))
{
    if (model_check(self) < 0) {
        return NULL;
    }
    int st = lrsched_model_add_relu(self->handle);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Model_layer_count_doc, "layer_count()\n--\n\nThe number of layers.");

static PyObject *
Model_layer_count(ModelObject *self, PyObject *Py_UNUSED(ignored))
{
    if (model_check(self) < 0) {
        return NULL;
    }
    size_t n = 0;
    int st = lrsched_model_layer_count(self->handle, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyLong_FromSize_t(n);
}

PyDoc_STRVAR(Model_parameter_count_doc,
"parameter_count()\n--\n\nThe number of parameter tensors (two per Linear).");

static PyObject *
Model_parameter_count(ModelObject *self, PyObject *Py_UNUSED(ignored))
{
    if (model_check(self) < 0) {
        return NULL;
    }
    size_t n = 0;
    int st = lrsched_model_parameter_count(self->handle, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyLong_FromSize_t(n);
}

/* A parameter index argument (negative: the library's out-of-range ValueError). */
static int
parameter_index(ModelObject *self, PyObject *arg, size_t *index)
{
    Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    if (i == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (model_check(self) < 0) {
        return -1;
    }
    *index = i < 0 ? SIZE_MAX : (size_t)i;
    return 0;
}

PyDoc_STRVAR(Model_parameter_name_doc, "parameter_name(index, /)\n--\n\nThe library's name of a parameter.");

static PyObject *
Model_parameter_name(ModelObject *self, PyObject *arg)
{
    size_t i;
    if (parameter_index(self, arg, &i) < 0) {
        return NULL;
    }
    const char *name = NULL;
    int st = lrsched_model_parameter_name(self->handle, i, &name);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyUnicode_FromString(name);
}

PyDoc_STRVAR(Model_parameter_shape_doc, "parameter_shape(index, /)\n--\n\nA parameter's shape, a tuple.");

static PyObject *
Model_parameter_shape(ModelObject *self, PyObject *arg)
{
    size_t i;
    if (parameter_index(self, arg, &i) < 0) {
        return NULL;
    }
    size_t dims[8];
    size_t n = 0;
    int st = lrsched_model_parameter_shape(self->handle, i, dims, 8, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    if (t == NULL) {
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        PyObject *d = PyLong_FromSize_t(dims[k]);
        if (d == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)k, d);
    }
    return t;
}

PyDoc_STRVAR(Model_parameter_numel_doc, "parameter_numel(index, /)\n--\n\nThe number of values of a parameter.");

static PyObject *
Model_parameter_numel(ModelObject *self, PyObject *arg)
{
    size_t i;
    if (parameter_index(self, arg, &i) < 0) {
        return NULL;
    }
    size_t n = 0;
    int st = lrsched_model_parameter_numel(self->handle, i, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    return PyLong_FromSize_t(n);
}

PyDoc_STRVAR(Model_parameter_get_doc,
"parameter_get(index, /)\n--\n\nA parameter's values, flat row-major, as a list of floats.");

static PyObject *
Model_parameter_get(ModelObject *self, PyObject *arg)
{
    size_t i;
    if (parameter_index(self, arg, &i) < 0) {
        return NULL;
    }
    size_t n = 0;
    int st = lrsched_model_parameter_numel(self->handle, i, &n);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    float *buf = PyMem_New(float, n > 0 ? n : 1);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    size_t count = 0;
    st = lrsched_model_parameter_get(self->handle, i, buf, n, &count);
    PyObject *r = st == LRSCHED_OK ? floats_to_list(buf, count) : raise_from_status(st);
    PyMem_Free(buf);
    return r;
}

PyDoc_STRVAR(Model_parameter_set_doc,
"parameter_set(index, values, /)\n--\n\n"
"Overwrites a parameter from a C-contiguous float32 buffer of exactly numel values.");

static PyObject *
Model_parameter_set(ModelObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "parameter_set() takes exactly 2 arguments (%zd given)", nargs);
        return NULL;
    }
    size_t i;
    if (parameter_index(self, args[0], &i) < 0) {
        return NULL;
    }
    Py_buffer view;
    if (float32_buffer(args[1], &view, ANY_COUNT, "values") < 0) {
        return NULL;
    }
    int st = lrsched_model_parameter_set(self->handle, i, (const float *)view.buf, (size_t)view.len / 4);
    PyBuffer_Release(&view);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Model_forward_doc,
"forward(x, rows, features, /)\n--\n\n"
"model(x) for rows x features float32 inputs (a C-contiguous float32 buffer): a bytearray\n"
"of rows x outputs float32 values, row-major (lrsched_model_forward).");

static PyObject *
Model_forward(ModelObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "forward() takes exactly 3 arguments (%zd given)", nargs);
        return NULL;
    }
    size_t rows, features, n_x;
    if (size_arg(args[1], "rows", &rows) < 0 || size_arg(args[2], "features", &features) < 0 ||
        checked_product(rows, features, "x", &n_x) < 0 || model_check(self) < 0) {
        return NULL;
    }
    size_t count = 0;
    int st = lrsched_model_forward(self->handle, NULL, rows, features, NULL, 0, &count);
    if (st != LRSCHED_OK) {
        return raise_from_status(st);
    }
    if (count > (size_t)PY_SSIZE_T_MAX / 4) {
        return PyErr_NoMemory();
    }
    PyObject *out = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)(count * 4));
    if (out == NULL) {
        return NULL;
    }
    Py_buffer xv;
    if (float32_buffer(args[0], &xv, n_x, "x") < 0) {
        Py_DECREF(out);
        return NULL;
    }
    float *obuf = (float *)PyByteArray_AS_STRING(out);
    size_t written = 0;
    BusyToken tok = model_mark_busy(self);
    Py_BEGIN_ALLOW_THREADS
    st = lrsched_model_forward(self->handle, (const float *)xv.buf, rows, features, obuf, count, &written);
    Py_END_ALLOW_THREADS
    model_unmark_busy(self, tok);
    PyBuffer_Release(&xv);
    if (st != LRSCHED_OK) {
        Py_DECREF(out);
        return raise_from_status(st);
    }
    return out;
}

static PyObject *
Model_reduce(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    PyErr_Format(PyExc_TypeError, "cannot pickle '%.100s' object", Py_TYPE(self)->tp_name);
    return NULL;
}

static PyMethodDef Model_methods[] = {
    {"create", (PyCFunction)Model_create, METH_NOARGS | METH_CLASS, Model_create_doc},
    {"add_linear", (PyCFunction)Model_add_linear, METH_VARARGS, Model_add_linear_doc},
    {"add_relu", (PyCFunction)Model_add_relu, METH_NOARGS, Model_add_relu_doc},
    {"layer_count", (PyCFunction)Model_layer_count, METH_NOARGS, Model_layer_count_doc},
    {"parameter_count", (PyCFunction)Model_parameter_count, METH_NOARGS, Model_parameter_count_doc},
    {"parameter_name", (PyCFunction)Model_parameter_name, METH_O, Model_parameter_name_doc},
    {"parameter_shape", (PyCFunction)Model_parameter_shape, METH_O, Model_parameter_shape_doc},
    {"parameter_numel", (PyCFunction)Model_parameter_numel, METH_O, Model_parameter_numel_doc},
    {"parameter_get", (PyCFunction)Model_parameter_get, METH_O, Model_parameter_get_doc},
    {"parameter_set", (PyCFunction)(void (*)(void))Model_parameter_set, METH_FASTCALL, Model_parameter_set_doc},
    {"forward", (PyCFunction)(void (*)(void))Model_forward, METH_FASTCALL, Model_forward_doc},
    {"__reduce__", (PyCFunction)Model_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Model_doc,
"Model()\n--\n\n"
"An lrsched_model handle (nn.Sequential of Linear and ReLU layers). Private: build one\n"
"with Model.create(); use lrsched.Linear / lrsched.Sequential instead.");

static PyType_Slot Model_slots[] = {
    {Py_tp_dealloc, Model_dealloc},
    {Py_tp_methods, Model_methods},
    {Py_tp_doc, (void *)Model_doc},
    {0, NULL},
};

static PyType_Spec Model_spec = {
    .name = "lrsched._lrsched.Model",
    .basicsize = sizeof(ModelObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = Model_slots,
};

/* --- Sgd ------------------------------------------------------------------------- */

static void
Sgd_dealloc(SgdObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    lrsched_sgd_free(self->handle);
    self->handle = NULL;
    Py_CLEAR(self->opt);
    Py_CLEAR(self->model);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Sgd_create_doc,
"create(model, group_of, lr, momentum, dampening, weight_decay, nesterov, maximize, /)\n--\n\n"
"torch.optim.SGD over every parameter of model (lrsched_sgd_create). group_of: None (one\n"
"group) or one group index per parameter, in the model's parameter order.");

static PyObject *
Sgd_create(PyTypeObject *type, PyObject *args)
{
    _lrsched_state *st = state_of_type(type);
    if (st == NULL) {
        return NULL;
    }
    PyObject *model_obj, *group_of_obj;
    double lr, momentum, dampening, weight_decay;
    int nesterov, maximize;
    if (!PyArg_ParseTuple(args, "O!Oddddpp:create", st->model_type, &model_obj, &group_of_obj, &lr, &momentum,
                          &dampening, &weight_decay, &nesterov, &maximize)) {
        return NULL;
    }
    ModelObject *model = (ModelObject *)model_obj;
    if (model_check(model) < 0) {
        return NULL;
    }
    size_t *group_of = NULL;
    Py_ssize_t n = 0;
    if (group_of_obj != Py_None) {
        PyObject *t = PySequence_Tuple(group_of_obj);
        if (t == NULL) {
            return NULL;
        }
        n = PyTuple_GET_SIZE(t);
        group_of = PyMem_New(size_t, n > 0 ? n : 1);
        if (group_of == NULL) {
            Py_DECREF(t);
            return PyErr_NoMemory();
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            if (size_arg(PyTuple_GET_ITEM(t, i), "a group index", &group_of[i]) < 0) {
                PyMem_Free(group_of);
                Py_DECREF(t);
                return NULL;
            }
        }
        Py_DECREF(t);
    }
    lrsched_sgd *h = NULL;
    int rc = lrsched_sgd_create(model->handle, group_of, (size_t)n, lr, momentum, dampening, weight_decay, nesterov,
                                maximize, &h);
    PyMem_Free(group_of);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    lrsched_optimizer *oh = NULL;
    rc = lrsched_sgd_optimizer(h, &oh);
    if (rc != LRSCHED_OK) {
        lrsched_sgd_free(h);
        return raise_from_status(rc);
    }
    PyObject *opt = optimizer_wrap(st->optimizer_type, oh); /* frees oh on failure */
    if (opt == NULL) {
        lrsched_sgd_free(h);
        return NULL;
    }
    SgdObject *self = (SgdObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        Py_DECREF(opt);
        lrsched_sgd_free(h);
        return NULL;
    }
    self->handle = h;
    self->model = (ModelObject *)Py_NewRef(model);
    self->opt = (OptimizerObject *)opt;
    return (PyObject *)self;
}

PyDoc_STRVAR(Sgd_optimizer_doc,
"optimizer()\n--\n\n"
"The SGD's param groups as an Optimizer handle (lrsched_sgd_optimizer): schedulers attach\n"
"to it. Always the same object.");

static PyObject *
Sgd_optimizer(SgdObject *self, PyObject *Py_UNUSED(ignored))
{
    return Py_NewRef(self->opt);
}

static PyMethodDef Sgd_methods[] = {
    {"create", (PyCFunction)Sgd_create, METH_VARARGS | METH_CLASS, Sgd_create_doc},
    {"optimizer", (PyCFunction)Sgd_optimizer, METH_NOARGS, Sgd_optimizer_doc},
    {"__reduce__", (PyCFunction)Model_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Sgd_doc,
"Sgd()\n--\n\n"
"An lrsched_sgd handle (torch.optim.SGD over a model's parameters). Private: use\n"
"lrsched.SGD(model.parameters(), ...).");

static PyType_Slot Sgd_slots[] = {
    {Py_tp_dealloc, Sgd_dealloc},
    {Py_tp_methods, Sgd_methods},
    {Py_tp_doc, (void *)Sgd_doc},
    {0, NULL},
};

static PyType_Spec Sgd_spec = {
    .name = "lrsched._lrsched.Sgd",
    .basicsize = sizeof(SgdObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = Sgd_slots,
};

/* --- Trainer --------------------------------------------------------------------- */

static int
Trainer_traverse(TrainerObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->model);
    Py_VISIT(self->sgd);
    Py_VISIT(self->scheds);
    return 0;
}

static int
Trainer_clear(TrainerObject *self)
{
    if (self->handle != NULL) {
        lrsched_trainer_free(self->handle);
        self->handle = NULL;
    }
    Py_CLEAR(self->scheds);
    Py_CLEAR(self->sgd);
    Py_CLEAR(self->model);
    return 0;
}

static void
Trainer_dealloc(TrainerObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)Trainer_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Trainer_create_doc,
"create(model, sgd, schedulers, batch_size, shuffle, drop_last, step_unit, seed, /)\n--\n\n"
"A trainer of model with sgd (created over model) and the schedulers (attached to\n"
"sgd.optimizer()) (lrsched_trainer_create). step_unit: 0 epoch, 1 batch.");

static PyObject *
Trainer_create(PyTypeObject *type, PyObject *args)
{
    _lrsched_state *st = state_of_type(type);
    if (st == NULL) {
        return NULL;
    }
    PyObject *model_obj, *sgd_obj, *scheds_obj, *seed_obj;
    Py_ssize_t batch_size;
    int shuffle, drop_last, step_unit;
    if (!PyArg_ParseTuple(args, "O!O!OnppiO:create", st->model_type, &model_obj, st->sgd_type, &sgd_obj,
                          &scheds_obj, &batch_size, &shuffle, &drop_last, &step_unit, &seed_obj)) {
        return NULL;
    }
    if (batch_size < 0) {
        PyErr_Format(PyExc_ValueError, "batch_size should be a positive integer value, but got batch_size=%zd",
                     batch_size);
        return NULL;
    }
    unsigned long long seed = PyLong_AsUnsignedLongLong(seed_obj);
    if (seed == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    ModelObject *model = (ModelObject *)model_obj;
    SgdObject *sgd = (SgdObject *)sgd_obj;
    if (model_check(model) < 0 || optimizer_check(sgd->opt) < 0) {
        return NULL;
    }
    PyObject *scheds = PySequence_Tuple(scheds_obj);
    if (scheds == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(scheds);
    lrsched_scheduler **handles = PyMem_New(lrsched_scheduler *, n > 0 ? n : 1);
    if (handles == NULL) {
        Py_DECREF(scheds);
        return PyErr_NoMemory();
    }
    int has_cb = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(scheds, i);
        if (!PyObject_TypeCheck(s, st->scheduler_type)) {
            PyErr_Format(PyExc_TypeError, "schedulers[%zd] is not an lrsched scheduler (%.100s)", i,
                         Py_TYPE(s)->tp_name);
        }
        else if (scheduler_check((SchedulerObject *)s) == 0) {
            handles[i] = ((SchedulerObject *)s)->handle;
            has_cb |= ((SchedulerObject *)s)->has_callbacks;
            continue;
        }
        PyMem_Free(handles);
        Py_DECREF(scheds);
        return NULL;
    }
    lrsched_trainer *h = NULL;
    int rc = lrsched_trainer_create(model->handle, sgd->handle, handles, (size_t)n, (size_t)batch_size, shuffle,
                                    drop_last, step_unit, (uint64_t)seed, &h);
    PyMem_Free(handles);
    if (rc != LRSCHED_OK) {
        Py_DECREF(scheds);
        return raise_from_status(rc);
    }
    TrainerObject *self = (TrainerObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        lrsched_trainer_free(h);
        Py_DECREF(scheds);
        return NULL;
    }
    self->handle = h;
    self->model = (ModelObject *)Py_NewRef(model);
    self->sgd = (SgdObject *)Py_NewRef(sgd);
    self->scheds = scheds; /* the reference from PySequence_Tuple */
    self->has_callbacks = (char)has_cb;
    return (PyObject *)self;
}

/* The lrsched_epoch_fn of a Python callback (user): callback(epoch, lr_start, loss,
 * lr_after). An exception is stored and re-raised by raise_from_status, as for
 * lr_lambdas. Called with the GIL held. */
static int
epoch_fn_trampoline(int64_t epoch, double lr_start, double loss, double lr_after, void *user)
{
    if (has_stored_exception()) {
        return 1;
    }
    PyObject *r = PyObject_CallFunction((PyObject *)user, "Lddd", (long long)epoch, lr_start, loss, lr_after);
    if (r == NULL) {
        return lr_fn_failed();
    }
    Py_DECREF(r);
    return 0;
}

/* Checks that self is usable and that no other thread uses its model or optimizers. */
static int
trainer_check(TrainerObject *self)
{
    if (self->handle == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "lrsched trainer is not initialized");
        return -1;
    }
    if (model_check(self->model) < 0 || optimizer_check(self->sgd->opt) < 0) {
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(self->scheds);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (scheduler_check((SchedulerObject *)PyTuple_GET_ITEM(self->scheds, i)) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Parses (x, y, rows, features, outputs) and borrows the buffers. */
static int
data_args(PyObject *const *args, Py_buffer *xv, Py_buffer *yv, size_t *rows, size_t *features, size_t *outputs)
{
    size_t nx, ny;
    if (size_arg(args[2], "rows", rows) < 0 || size_arg(args[3], "features", features) < 0 ||
        size_arg(args[4], "outputs", outputs) < 0 || checked_product(*rows, *features, "x", &nx) < 0 ||
        checked_product(*rows, *outputs, "y", &ny) < 0) {
        return -1;
    }
    if (float32_buffer(args[0], xv, nx, "x") < 0) {
        return -1;
    }
    if (float32_buffer(args[1], yv, ny, "y") < 0) {
        PyBuffer_Release(xv);
        return -1;
    }
    return 0;
}

/* Marks the model, the SGD's optimizer and every scheduler's optimizer busy (tokens: 2 +
 * n entries), in this order; unmark_all undoes it in reverse. */
static void
mark_all(TrainerObject *self, BusyToken *tokens)
{
    tokens[0] = model_mark_busy(self->model);
    tokens[1] = mark_busy(self->sgd->opt);
    Py_ssize_t n = PyTuple_GET_SIZE(self->scheds);
    for (Py_ssize_t i = 0; i < n; i++) {
        tokens[2 + i] = mark_busy(((SchedulerObject *)PyTuple_GET_ITEM(self->scheds, i))->opt);
    }
}

static void
unmark_all(TrainerObject *self, BusyToken *tokens)
{
    Py_ssize_t n = PyTuple_GET_SIZE(self->scheds);
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        unmark_busy(((SchedulerObject *)PyTuple_GET_ITEM(self->scheds, i))->opt, tokens[2 + i]);
    }
    unmark_busy(self->sgd->opt, tokens[1]);
    model_unmark_busy(self->model, tokens[0]);
}

PyDoc_STRVAR(Trainer_fit_doc,
"fit(x, y, rows, features, outputs, epochs, callback, /)\n--\n\n"
"Trains for epochs epochs on x (rows x features) and y (rows x outputs), C-contiguous\n"
"float32 buffers read in place (lrsched_trainer_fit). callback: None, or called as\n"
"callback(epoch, lr_start, loss, lr_after) after every epoch (an exception stops training\n"
"and propagates). Returns the history: 4 floats per epoch (epoch, lr_start, loss,\n"
"lr_after).");

static PyObject *
Trainer_fit(TrainerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        PyErr_Format(PyExc_TypeError, "fit() takes exactly 7 arguments (%zd given)", nargs);
        return NULL;
    }
    long long epochs = PyLong_AsLongLong(args[5]);
    if (epochs == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *callback = args[6];
    if (callback != Py_None && !PyCallable_Check(callback)) {
        PyErr_Format(PyExc_TypeError, "callback must be callable, not %.100s", Py_TYPE(callback)->tp_name);
        return NULL;
    }
    if (trainer_check(self) < 0) {
        return NULL;
    }
    Py_buffer xv, yv;
    size_t rows, features, outputs;
    if (data_args(args, &xv, &yv, &rows, &features, &outputs) < 0) {
        return NULL;
    }
    /* Out-of-range epochs: no history buffer, the library reports the ValueError. */
    size_t capacity = (epochs > 0 && epochs <= (1LL << 20)) ? 4 * (size_t)epochs : 0;
    double *history = capacity > 0 ? PyMem_New(double, capacity) : NULL;
    Py_ssize_t n_scheds = PyTuple_GET_SIZE(self->scheds);
    BusyToken *tokens = PyMem_New(BusyToken, 2 + n_scheds);
    if ((capacity > 0 && history == NULL) || tokens == NULL) {
        PyMem_Free(history);
        PyMem_Free(tokens);
        PyBuffer_Release(&xv);
        PyBuffer_Release(&yv);
        return PyErr_NoMemory();
    }
    lrsched_epoch_fn fn = callback != Py_None ? epoch_fn_trampoline : NULL;
    void *user = callback != Py_None ? (void *)callback : NULL;
    size_t count = 0;
    int rc;
    /* self (and through it the model, SGD and schedulers) lives through the call: the
     * method's caller holds a reference. */
    Py_INCREF(self);
    mark_all(self, tokens);
    if (fn == NULL && !self->has_callbacks) {
        Py_BEGIN_ALLOW_THREADS
        rc = lrsched_trainer_fit(self->handle, (const float *)xv.buf, (const float *)yv.buf, rows, features, outputs,
                                 (int64_t)epochs, NULL, NULL, history, capacity, &count);
        Py_END_ALLOW_THREADS
    }
    else {
        rc = lrsched_trainer_fit(self->handle, (const float *)xv.buf, (const float *)yv.buf, rows, features, outputs,
                                 (int64_t)epochs, fn, user, history, capacity, &count);
    }
    unmark_all(self, tokens);
    PyMem_Free(tokens);
    PyBuffer_Release(&xv);
    PyBuffer_Release(&yv);
    for (Py_ssize_t i = 0; i < n_scheds; i++) {
        scheduler_invalidate((SchedulerObject *)PyTuple_GET_ITEM(self->scheds, i));
    }
    Py_DECREF(self);
    PyObject *result;
    if (rc != LRSCHED_OK || has_stored_exception()) {
        result = raise_from_status(rc);
    }
    else {
        result = doubles_to_list(history, count);
    }
    PyMem_Free(history);
    return result;
}

PyDoc_STRVAR(Trainer_loss_doc,
"loss(x, y, rows, features, outputs, /)\n--\n\n"
"The model's mean squared error over every row (lrsched_trainer_loss); nothing is trained.");

static PyObject *
Trainer_loss(TrainerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_Format(PyExc_TypeError, "loss() takes exactly 5 arguments (%zd given)", nargs);
        return NULL;
    }
    if (trainer_check(self) < 0) {
        return NULL;
    }
    Py_buffer xv, yv;
    size_t rows, features, outputs;
    if (data_args(args, &xv, &yv, &rows, &features, &outputs) < 0) {
        return NULL;
    }
    double loss = 0.0;
    int rc;
    BusyToken tok = model_mark_busy(self->model);
    Py_BEGIN_ALLOW_THREADS
    rc = lrsched_trainer_loss(self->handle, (const float *)xv.buf, (const float *)yv.buf, rows, features, outputs,
                              &loss);
    Py_END_ALLOW_THREADS
    model_unmark_busy(self->model, tok);
    PyBuffer_Release(&xv);
    PyBuffer_Release(&yv);
    if (rc != LRSCHED_OK) {
        return raise_from_status(rc);
    }
    return PyFloat_FromDouble(loss);
}

static PyMethodDef Trainer_methods[] = {
    {"create", (PyCFunction)Trainer_create, METH_VARARGS | METH_CLASS, Trainer_create_doc},
    {"fit", (PyCFunction)(void (*)(void))Trainer_fit, METH_FASTCALL, Trainer_fit_doc},
    {"loss", (PyCFunction)(void (*)(void))Trainer_loss, METH_FASTCALL, Trainer_loss_doc},
    {"__reduce__", (PyCFunction)Model_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Trainer_doc,
"Trainer()\n--\n\n"
"An lrsched_trainer handle. Private: use lrsched.Trainer.");

static PyType_Slot Trainer_slots[] = {
    {Py_tp_dealloc, Trainer_dealloc},
    {Py_tp_traverse, Trainer_traverse},
    {Py_tp_clear, Trainer_clear},
    {Py_tp_methods, Trainer_methods},
    {Py_tp_doc, (void *)Trainer_doc},
    {0, NULL},
};

static PyType_Spec Trainer_spec = {
    .name = "lrsched._lrsched.Trainer",
    .basicsize = sizeof(TrainerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = Trainer_slots,
};

/* ---------------------------------------------------------------------------------
 * Module functions
 * ------------------------------------------------------------------------------- */

PyDoc_STRVAR(preview_doc,
"preview(schedulers, steps, metrics, lrs, momenta, /)\n--\n\n"
"lrsched_preview into caller buffers: lrs (and momenta, or None) are writable buffers\n"
"of float64 values (bytearrays), the capacity their size. Returns the group count.");

/* Reads a float64 metrics sequence (None: NULL). -1 with an exception on failure. */
static int
metrics_arg(PyObject *arg, double **out, Py_ssize_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (arg == Py_None) {
        return 0;
    }
    PyObject *t = PySequence_Tuple(arg);
    if (t == NULL) {
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    double *v = PyMem_New(double, n > 0 ? n : 1);
    if (v == NULL) {
        Py_DECREF(t);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        v[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(t, i));
        if (v[i] == -1.0 && PyErr_Occurred()) {
            PyMem_Free(v);
            Py_DECREF(t);
            return -1;
        }
    }
    Py_DECREF(t);
    *out = v;
    *n_out = n;
    return 0;
}

static PyObject *
_lrsched_preview(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    _lrsched_state *st = get_state(module);
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "preview(schedulers, steps, metrics, lrs, momenta) takes 5 arguments");
        return NULL;
    }
    long long steps = PyLong_AsLongLong(args[1]);
    if (steps == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *result = NULL;
    lrsched_scheduler **handles = NULL;
    double *metrics = NULL;
    Py_ssize_t n_metrics = 0;
    Py_buffer lrs = {0}, mom = {0};
    PyObject *scheds = PySequence_Tuple(args[0]);
    if (scheds == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(scheds);
    handles = PyMem_New(lrsched_scheduler *, n > 0 ? n : 1);
    if (handles == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int has_cb = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(scheds, i);
        if (!PyObject_TypeCheck(s, st->scheduler_type)) {
            PyErr_Format(PyExc_TypeError, "preview: item %zd is not an lrsched scheduler (%.100s)", i,
                         Py_TYPE(s)->tp_name);
            goto done;
        }
        if (scheduler_check((SchedulerObject *)s) < 0) {
            goto done;
        }
        handles[i] = ((SchedulerObject *)s)->handle;
        has_cb |= ((SchedulerObject *)s)->has_callbacks;
    }
    if (metrics_arg(args[2], &metrics, &n_metrics) < 0 ||
        PyObject_GetBuffer(args[3], &lrs, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0 ||
        (args[4] != Py_None && PyObject_GetBuffer(args[4], &mom, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)) {
        goto done;
    }
    size_t lrs_cap = (size_t)lrs.len / sizeof(double);
    size_t mom_cap = mom.obj != NULL ? (size_t)mom.len / sizeof(double) : 0;
    OptimizerObject *opt = n > 0 ? ((SchedulerObject *)PyTuple_GET_ITEM(scheds, 0))->opt : NULL;
    size_t n_groups = 0;
    int rc;
#define PREVIEW_CALL                                                                                   \
    lrsched_preview(handles, (size_t)n, (int64_t)steps, metrics, (size_t)n_metrics,                   \
                    lrs_cap ? (double *)lrs.buf : NULL, lrs_cap, mom_cap ? (double *)mom.buf : NULL,   \
                    mom_cap, &n_groups)
    if (opt != NULL && has_cb) {
        BusyToken tok = mark_busy(opt);
        rc = PREVIEW_CALL;
        unmark_busy(opt, tok);
    }
    else if (opt != NULL && lrs_cap >= PREVIEW_NOGIL_VALUES) {
        /* A long preview that calls no Python: other threads may run meanwhile, kept off
         * this optimizer by the busy mark. */
        BusyToken tok = mark_busy(opt);
        Py_BEGIN_ALLOW_THREADS
        rc = PREVIEW_CALL;
        Py_END_ALLOW_THREADS
        unmark_busy(opt, tok);
    }
    else {
        rc = PREVIEW_CALL;
    }
#undef PREVIEW_CALL
    if (rc != LRSCHED_OK || has_stored_exception()) {
        raise_from_status(rc);
        goto done;
    }
    result = PyLong_FromSize_t(n_groups);

done:
    if (lrs.obj != NULL) {
        PyBuffer_Release(&lrs);
    }
    if (mom.obj != NULL) {
        PyBuffer_Release(&mom);
    }
    Py_DECREF(scheds);
    PyMem_Free(handles);
    PyMem_Free(metrics);
    return result;
}

PyDoc_STRVAR(bind_methods_doc,
"bind_methods(cls, /)\n--\n\n"
"Gives cls (a Python subclass of Scheduler) its own step() and get_last_lr()\n"
"descriptors. CPython 3.11 specialises calls of C methods only when the instance's\n"
"type is exactly the method's defining type; with these, sched.step() on a StepLR\n"
"takes that fast path instead of a generic call with a subclass check.");

static PyObject *
_lrsched_bind_methods(PyObject *module, PyObject *cls)
{
    _lrsched_state *st = get_state(module);
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, st->scheduler_type)) {
        PyErr_SetString(PyExc_TypeError, "bind_methods() expects a subclass of Scheduler");
        return NULL;
    }
    for (PyMethodDef *def = Scheduler_methods; def->ml_name != NULL; def++) {
        if (strcmp(def->ml_name, "step") != 0 && strcmp(def->ml_name, "get_last_lr") != 0) {
            continue;
        }
        PyObject *descr = PyDescr_NewMethod((PyTypeObject *)cls, def);
        if (descr == NULL) {
            return NULL;
        }
        int rc = PyObject_SetAttrString(cls, def->ml_name, descr);
        Py_DECREF(descr);
        if (rc < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(version_doc, "version()\n--\n\nThe library's version string, e.g. \"0.1.0\".");

static PyObject *
_lrsched_version(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    return PyUnicode_FromString(lrsched_version());
}

PyDoc_STRVAR(status_string_doc, "status_string(status, /)\n--\n\nThe library's name for a status code.");

static PyObject *
_lrsched_status_string(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long s = PyLong_AsLong(arg);
    if (s == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return PyUnicode_FromString(lrsched_status_string((int)s));
}

PyDoc_STRVAR(set_num_threads_doc, "set_num_threads(n, /)\n--\n\nlrsched_set_num_threads (n fits a C int: the caller checks).");

static PyObject *
_lrsched_set_num_threads(PyObject *Py_UNUSED(module), PyObject *arg)
{
    int overflow = 0;
    long n = PyLong_AsLongAndOverflow(arg, &overflow);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (overflow || n < INT_MIN || n > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "set_num_threads: n does not fit a C int");
        return NULL;
    }
    int rc = lrsched_set_num_threads((int)n);
    if (rc != LRSCHED_OK) {
        raise_from_status(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(get_num_threads_doc, "get_num_threads()\n--\n\nlrsched_get_num_threads.");

static PyObject *
_lrsched_get_num_threads(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(lrsched_get_num_threads());
}

static PyMethodDef _lrsched_functions[] = {
    {"set_num_threads", (PyCFunction)_lrsched_set_num_threads, METH_O, set_num_threads_doc},
    {"get_num_threads", (PyCFunction)_lrsched_get_num_threads, METH_NOARGS, get_num_threads_doc},
    {"preview", (PyCFunction)(void (*)(void))_lrsched_preview, METH_FASTCALL, preview_doc},
    {"bind_methods", (PyCFunction)_lrsched_bind_methods, METH_O, bind_methods_doc},
    {"version", (PyCFunction)_lrsched_version, METH_NOARGS, version_doc},
    {"status_string", (PyCFunction)_lrsched_status_string, METH_O, status_string_doc},
    {NULL, NULL, 0, NULL},
};

/* ---------------------------------------------------------------------------------
 * Module
 * ------------------------------------------------------------------------------- */

static int
_lrsched_exec(PyObject *module)
{
    _lrsched_state *st = get_state(module);

    int abi = lrsched_abi_version();
    if (abi != LRSCHED_ABI_VERSION) {
        PyErr_Format(PyExc_ImportError,
                     "liblrsched ABI mismatch: the extension was built for ABI %d, the loaded library has ABI %d",
                     LRSCHED_ABI_VERSION, abi);
        return -1;
    }

    st->optimizer_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &Optimizer_spec, NULL);
    if (st->optimizer_type == NULL || PyModule_AddType(module, st->optimizer_type) < 0) {
        return -1;
    }
    st->scheduler_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &Scheduler_spec, NULL);
    if (st->scheduler_type == NULL || PyModule_AddType(module, st->scheduler_type) < 0) {
        return -1;
    }
    st->model_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &Model_spec, NULL);
    if (st->model_type == NULL || PyModule_AddType(module, st->model_type) < 0) {
        return -1;
    }
    st->sgd_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &Sgd_spec, NULL);
    if (st->sgd_type == NULL || PyModule_AddType(module, st->sgd_type) < 0) {
        return -1;
    }
    st->trainer_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &Trainer_spec, NULL);
    if (st->trainer_type == NULL || PyModule_AddType(module, st->trainer_type) < 0) {
        return -1;
    }
    st->str_step_slow = PyUnicode_InternFromString("_step_slow");
    if (st->str_step_slow == NULL) {
        return -1;
    }

    struct {
        const char *name;
        long value;
    } constants[] = {
        {"ABI_VERSION", LRSCHED_ABI_VERSION},
        {"HEADER_VERSION_NUMBER", LRSCHED_VERSION_NUMBER},
        {"OK", LRSCHED_OK},
        {"VALUE_ERROR", LRSCHED_VALUE_ERROR},
        {"TYPE_ERROR", LRSCHED_TYPE_ERROR},
        {"KEY_ERROR", LRSCHED_KEY_ERROR},
        {"RUNTIME_ERROR", LRSCHED_RUNTIME_ERROR},
        {"ZERO_DIVISION_ERROR", LRSCHED_ZERO_DIVISION_ERROR},
        {"OVERFLOW_ERROR", LRSCHED_OVERFLOW_ERROR},
        {"NOT_IMPLEMENTED_ERROR", LRSCHED_NOT_IMPLEMENTED_ERROR},
        {"CALLBACK_FAILED", LRSCHED_CALLBACK_FAILED},
        {"NULL_ARGUMENT", LRSCHED_NULL_ARGUMENT},
        {"BUFFER_TOO_SMALL", LRSCHED_BUFFER_TOO_SMALL},
        {"OUT_OF_MEMORY", LRSCHED_OUT_OF_MEMORY},
        {"MAX_PREVIEW_VALUES", LRSCHED_MAX_PREVIEW_VALUES},
        {"MAX_CREATED_GROUPS", LRSCHED_MAX_CREATED_GROUPS},
        {"MOMENTUM_SGD", LRSCHED_MOMENTUM_SGD},
        {"MOMENTUM_BETAS", LRSCHED_MOMENTUM_BETAS},
        {"MOMENTUM_NONE", LRSCHED_MOMENTUM_NONE},
        {"KEY_LR", LRSCHED_KEY_LR},
        {"KEY_INITIAL_LR", LRSCHED_KEY_INITIAL_LR},
        {"KEY_MOMENTUM", LRSCHED_KEY_MOMENTUM},
        {"KEY_DAMPENING", LRSCHED_KEY_DAMPENING},
        {"KEY_WEIGHT_DECAY", LRSCHED_KEY_WEIGHT_DECAY},
        {"KEY_NESTEROV", LRSCHED_KEY_NESTEROV},
        {"KEY_MAXIMIZE", LRSCHED_KEY_MAXIMIZE},
        {"KEY_BETA1", LRSCHED_KEY_BETA1},
        {"KEY_BETA2", LRSCHED_KEY_BETA2},
        {"KEY_MAX_LR", LRSCHED_KEY_MAX_LR},
        {"KEY_MIN_LR", LRSCHED_KEY_MIN_LR},
        {"KEY_MAX_MOMENTUM", LRSCHED_KEY_MAX_MOMENTUM},
        {"KEY_BASE_MOMENTUM", LRSCHED_KEY_BASE_MOMENTUM},
        {"KEY_LR_SCALE", LRSCHED_KEY_LR_SCALE},
        {"STEP_EPOCH", LRSCHED_STEP_EPOCH},
        {"STEP_BATCH", LRSCHED_STEP_BATCH},
        {"FLAG_METRIC", LRSCHED_FLAG_METRIC},
        {"FLAG_FRACTIONAL_EPOCH", LRSCHED_FLAG_FRACTIONAL_EPOCH},
        {"FLAG_COMPOSITE", LRSCHED_FLAG_COMPOSITE},
        {"FLAG_NO_EPOCH", LRSCHED_FLAG_NO_EPOCH},
        {"FLAG_STEP_AT_EPOCH", LRSCHED_FLAG_STEP_AT_EPOCH},
        {"FLAG_STEP_AT_UPDATE", LRSCHED_FLAG_STEP_AT_UPDATE},
        {"FLAG_CYCLES", LRSCHED_FLAG_CYCLES},
        {"LRS_INITIAL", LRSCHED_LRS_INITIAL},
        {"LRS_CLOSED_FORM", LRSCHED_LRS_CLOSED_FORM},
        /* Python frames between the caller of step() and _step_slow(): none (step() is C). */
        {"STEP_WRAPPER_FRAMES", 0},
    };
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value) < 0) {
            return -1;
        }
    }
    if (PyModule_AddIntConstant(module, "LIBRARY_VERSION_NUMBER", lrsched_version_number()) < 0) {
        return -1;
    }
    return 0;
}

static int
_lrsched_traverse(PyObject *module, visitproc visit, void *arg)
{
    _lrsched_state *st = get_state(module);
    Py_VISIT(st->optimizer_type);
    Py_VISIT(st->scheduler_type);
    Py_VISIT(st->model_type);
    Py_VISIT(st->sgd_type);
    Py_VISIT(st->trainer_type);
    return 0;
}

static int
_lrsched_clear(PyObject *module)
{
    _lrsched_state *st = get_state(module);
    Py_CLEAR(st->optimizer_type);
    Py_CLEAR(st->scheduler_type);
    Py_CLEAR(st->model_type);
    Py_CLEAR(st->sgd_type);
    Py_CLEAR(st->trainer_type);
    Py_CLEAR(st->str_step_slow);
    return 0;
}

static void
_lrsched_free(void *module)
{
    (void)_lrsched_clear((PyObject *)module);
}

static PyModuleDef_Slot _lrsched_slots[] = {
    {Py_mod_exec, _lrsched_exec},
    {0, NULL},
};

PyDoc_STRVAR(_lrsched_doc,
"Private CPython extension of lrsched: thin wrappers of liblrsched.so's optimizer and\n"
"scheduler handles. Use the lrsched package.");

static PyModuleDef _lrsched_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_lrsched",
    .m_doc = _lrsched_doc,
    .m_size = sizeof(_lrsched_state),
    .m_methods = _lrsched_functions,
    .m_slots = _lrsched_slots,
    .m_traverse = _lrsched_traverse,
    .m_clear = _lrsched_clear,
    .m_free = _lrsched_free,
};

PyMODINIT_FUNC
PyInit__lrsched(void)
{
    return PyModuleDef_Init(&_lrsched_module);
}
