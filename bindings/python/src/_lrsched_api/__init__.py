"""PyTorch's lr-scheduler API, written once for both lrsched front ends.

Private. ``lrsched`` (over the CPython extension ``lrsched._lrsched``) and
``lrsched_ctypes`` (over ctypes) each call :func:`load` with their *backend*, a module
offering:

- ``Optimizer``: a library optimizer handle with ``from_json``/``create`` class
  methods and ``get/set/has/unset/group_count/momentum_kind/lrs/add_group/state_save/
  state_load``;
- ``Scheduler``: a subclassable library scheduler handle with ``step`` (which runs
  the argument-less hot path itself and hands any other call to the shared
  ``_step_slow``), ``get_last_lr``, ``last_epoch``, ``base_lrs`` and private
  ``_init_*``, the raw steps ``_step()``/``_step_metric(m)``/``_step_epoch(e)``,
  ``_check()``, ``_state_save``/``_state_load``, ``_foreign``, ``_children``,
  ``_has_callbacks``, ``_type_name``, ``_opt`` (its ``Optimizer``);
- ``preview(schedulers, steps, metrics, lrs, momenta) -> groups``: lrsched_preview into
  the bytearrays the shared ``preview`` sizes (``momenta`` may be None);
- ``Model`` (``create()``, ``add_linear``, ``add_relu``, ``parameter_count/name/shape/
  numel/get/set``, ``forward``), ``Sgd`` (``create(model, group_of, lr, ...)``,
  ``optimizer()``: the one ``Optimizer`` of its groups) and ``Trainer`` (``create(model,
  sgd, schedulers, batch_size, shuffle, drop_last, step_unit, seed)``, ``fit(x, y, rows,
  features, outputs, epochs, callback) -> [epoch, lr_start, loss, lr_after, ...]``,
  ``loss``), where data and parameter values are C-contiguous float32 buffers, read in
  place;
- ``version()``, the constants of include/lrsched.h (``KEY_LR``, ``MOMENTUM_SGD``,
  ``STEP_EPOCH``, ``FLAG_METRIC``...) and ``STEP_WRAPPER_FRAMES`` (the Python frames of
  its ``step`` before ``_step_slow``: 0 in C, 1 in ctypes).

torch's step() argument rules, the deprecation warning of ``step(epoch)`` and the
scheduler kinds they depend on (``_flags``) are written here, once (``_stepping``,
``_schedulers``).

The API is plain module-level code, split by concept:

- ``_values`` (state dicts, torch-style arguments), ``_stepping`` (step()'s arguments)
  and ``_data`` (float32 buffers, numpy, progress bars) need no backend: ordinary
  modules, imported once;
- ``_models`` (Module, Parameter, Linear, ReLU, Sequential), ``_optim`` (SGD, ParamGroup,
  foreign-optimizer mirrors), ``_schedulers`` (LRScheduler and the fifteen schedulers,
  from_spec, preview), ``_trainer`` (Trainer) and ``_plot`` (plot) are written over the
  global ``_backend``: :func:`load` runs each of them once per package, as the real
  module ``<package>.<name>`` (``lrsched._schedulers``, ``lrsched_ctypes._schedulers``:
  registered in ``sys.modules``, so relative imports between them resolve within the
  package), with ``_backend`` and ``_module_name`` set before its code runs. Each package
  gets its own classes; ``class LRScheduler(B.Scheduler)`` subclasses its backend's
  scheduler type, so ``step`` and ``get_last_lr`` are the backend's own (C methods in
  the extension) and the hot path never runs code from here.

This code only parses arguments the way torch does (types, defaults, keyword names) and
turns them into library calls; every schedule, every check on values and every error
message of substance comes from the library.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types

__all__ = ["load"]


# The modules written over a backend, in dependency order (each imports only earlier ones).
_BOUND_MODULES = ("_models", "_optim", "_schedulers", "_trainer", "_plot")
_HERE = os.path.dirname(os.path.abspath(__file__))


def _exec_bound(package: str, name: str, backend) -> types.ModuleType:
    """Runs _lrsched_api/<name>.py as the module <package>.<name> over backend."""
    full = f"{package}.{name}"
    spec = importlib.util.spec_from_file_location(full, os.path.join(_HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    module._backend = backend
    module._module_name = package
    sys.modules[full] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[full]
        raise
    return module


def load(package: str, backend) -> dict:
    """The API of ``package`` over ``backend``: runs the backend-bound modules as
    ``<package>._models``, ... and returns the names they export (each module's
    ``__all__``, and its ``_UNLISTED_EXPORTS``: ParamGroup), with ``__module__`` set to
    ``package``, where they are re-exported (``lrsched.StepLR.__module__ == "lrsched"``),
    and ``"__all__"``: the package's public names."""
    api, public = {}, []
    for name in _BOUND_MODULES:
        module = _exec_bound(package, name, backend)
        public += module.__all__
        for export in (*module.__all__, *getattr(module, "_UNLISTED_EXPORTS", ())):
            obj = getattr(module, export)
            if isinstance(obj, (type, types.FunctionType)):
                obj.__module__ = package
            api[export] = obj
    api["__all__"] = public
    return api
