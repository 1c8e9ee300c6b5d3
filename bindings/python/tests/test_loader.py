"""The shared API (_lrsched_api) runs once per package, as that package's own modules:
both packages live in one process without sharing a class, and each package's
schedulers subclass its own backend's Scheduler."""

from __future__ import annotations

import sys

import lrsched
import lrsched_ctypes


def test_each_package_has_its_own_modules_and_classes():
    for pkg, backend in ((lrsched, lrsched._lrsched), (lrsched_ctypes, lrsched_ctypes._capi)):
        mod = sys.modules[f"{pkg.__name__}._schedulers"]
        assert mod._backend is backend and mod._module_name == pkg.__name__
        assert mod.LRScheduler is pkg.LRScheduler
        assert issubclass(pkg.StepLR, backend.Scheduler)
    for name in lrsched.__all__:
        a, b = getattr(lrsched, name), getattr(lrsched_ctypes, name)
        assert a is not b, name
        if isinstance(a, type):
            assert a.__qualname__ == name and getattr(sys.modules[a.__module__], name) is a


def test_packages_do_not_mix(api):
    other = lrsched_ctypes if api is lrsched else lrsched
    opt = api.SGD([{"lr": 0.1}], lr=0.1)
    assert not isinstance(api.StepLR(opt, 2), other.LRScheduler)
