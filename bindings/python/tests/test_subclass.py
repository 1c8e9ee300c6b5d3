"""Python subclasses of lrsched.LRScheduler overriding get_lr() (closed form or
chainable, as torch users write them), and CyclicLR's callable scale_fn: both through
the library's callback path. The same subclass source runs against torch's base where
torch is importable; without torch lrsched's values are checked by hand."""

from __future__ import annotations

import copy
import functools
import math
import pickle
import warnings

import pytest

import lrsched
import lrsched_ctypes
from conftest import make_sgd

try:
    import torch
    import torch.optim.lr_scheduler as T
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not importable")


def subclasses(base):
    """The subclasses users write, over ``base`` (torch's LRScheduler or lrsched's)."""

    class WarmupCosine(base):  # closed form from base_lrs and last_epoch
        def __init__(self, optimizer, warmup, total, last_epoch=-1):
            self.warmup = warmup
            self.total = total
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            e = self.last_epoch
            if e < self.warmup:
                return [b * (e + 1) / self.warmup for b in self.base_lrs]
            t = (e - self.warmup) / max(1, self.total - self.warmup)
            return [b * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))) for b in self.base_lrs]

    class Decay(base):  # chainable from the groups' current lrs, with _is_initial
        def __init__(self, optimizer, gamma, every=2, last_epoch=-1):
            self.gamma = gamma
            self.every = every
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            if self._is_initial or self.last_epoch % self.every:
                return [g["lr"] for g in self.optimizer.param_groups]
            return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

        def _get_closed_form_lr(self):
            return [b * self.gamma ** (self.last_epoch // self.every) for b in self.base_lrs]

    return WarmupCosine, Decay


BASES = {"ext": lrsched.LRScheduler, "ctypes": lrsched_ctypes.LRScheduler}


@pytest.fixture(params=sorted(BASES))
def base(request):
    return BASES[request.param]


def torch_opt():
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    return torch.optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}], lr=0.1, momentum=0.9)


def lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def trace(make, opt, steps=12, epochs=None):
    s = make(opt)
    out = [(lrs(opt), list(s.get_last_lr()), s.last_epoch, s._step_count)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step(epoch)'s deprecation warning, in both
        for k in range(steps):
            opt.step()
            s.step() if epochs is None else s.step(epochs[k])
            out.append((lrs(opt), list(s.get_last_lr()), s.last_epoch, s._step_count))
    return s, out


@needs_torch
@pytest.mark.parametrize("which", [0, 1], ids=["closed_form", "chainable"])
def test_subclass_as_torch(base, which):
    ours_cls = subclasses(base)[which]
    theirs_cls = subclasses(T.LRScheduler)[which]
    args = (3, 10) if which == 0 else (0.5,)
    s1, theirs = trace(lambda o: theirs_cls(o, *args), torch_opt())
    s2, ours = trace(lambda o: ours_cls(o, *args), torch_opt())
    assert ours == theirs
    assert s2.state_dict() == s1.state_dict()
    assert isinstance(s2, base)


@needs_torch
def test_closed_form_used_by_step_epoch_as_torch(base):
    epochs = [3, 4, 4, 9, 2, 6]
    _, theirs = trace(lambda o: subclasses(T.LRScheduler)[1](o, 0.5), torch_opt(), 6, epochs)
    _, ours = trace(lambda o: subclasses(base)[1](o, 0.5), torch_opt(), 6, epochs)
    assert ours == theirs


@needs_torch
def test_resume_and_load_state_dict_as_torch(base):
    theirs_cls, ours_cls = subclasses(T.LRScheduler)[0], subclasses(base)[0]
    o1, o2 = torch_opt(), torch_opt()
    t, s = theirs_cls(o1, 3, 10), ours_cls(o2, 3, 10)
    for _ in range(4):
        t.step(), s.step()
    sd = s.state_dict()
    assert sd == t.state_dict()
    sd["total"] = 20  # a subclass attribute, restored by load_state_dict as torch does
    t.load_state_dict(dict(sd)), s.load_state_dict(dict(sd))
    assert s.total == t.total == 20
    for _ in range(5):
        t.step(), s.step()
        assert lrs(o2) == lrs(o1)
    # A scheduler built on the checkpoint's groups with last_epoch: torch's resume.
    o3, o4 = torch_opt(), torch_opt()
    for o in (o3, o4):
        for g, lr in zip(o.param_groups, [0.1, 0.05]):
            g["initial_lr"] = lr
    t2, s2 = theirs_cls(o3, 3, 10, last_epoch=5), ours_cls(o4, 3, 10, last_epoch=5)
    assert lrs(o4) == lrs(o3) and s2.last_epoch == t2.last_epoch == 6


def test_subclass_values_without_torch(base):
    WarmupCosine, Decay = subclasses(base)
    api = lrsched if base is lrsched.LRScheduler else lrsched_ctypes
    opt = make_sgd(api, 2)
    s = WarmupCosine(opt, 4, 8)
    assert opt.param_groups[0]["lr"] == 0.1 * 1 / 4 and s.last_epoch == 0 and s._step_count == 1
    got = []
    for _ in range(9):
        s.step()
        got.append(opt.param_groups[0]["lr"])
    assert got[:3] == [0.1 * 2 / 4, 0.1 * 3 / 4, 0.1 * 4 / 4]
    assert got[3] == 0.1 * 0.5 * (1 + math.cos(0.0))  # epoch 4: the cosine starts
    assert got[4] == 0.1 * 0.5 * (1 + math.cos(math.pi * 0.25))
    assert got[-1] == 0.1 * 0.5 * (1 + math.cos(math.pi))  # t clamped at 1
    assert s.get_last_lr() == [g["lr"] for g in opt.param_groups]
    d = Decay(make_sgd(api), 0.5, every=2)
    assert d.optimizer.param_groups[0]["lr"] == 0.1  # _is_initial: unchanged
    for _ in range(4):
        d.step()
    assert d.optimizer.param_groups[0]["lr"] == 0.025
    sd = d.state_dict()
    assert sd == {"gamma": 0.5, "every": 2, "base_lrs": [0.1], "last_epoch": 4, "_step_count": 5,
                  "_is_initial": False, "_get_lr_called_within_step": False, "_last_lr": [0.025]}


class Boom(Exception):
    pass


def test_errors_in_get_lr_surface_and_change_nothing(base):
    api = lrsched if base is lrsched.LRScheduler else lrsched_ctypes

    class Flaky(base):
        def __init__(self, optimizer, fail_at, result=None):
            self.fail_at = fail_at
            self.result = result
            super().__init__(optimizer)

        def get_lr(self):
            if self.last_epoch == self.fail_at:
                raise Boom(f"epoch {self.last_epoch}")
            if self.result is not None:
                return self.result
            return [g["lr"] * 0.5 for g in self.optimizer.param_groups]

    with pytest.raises(Boom, match="epoch 0"):
        Flaky(make_sgd(api), 0)
    opt = make_sgd(api)
    f = Flaky(opt, 2)
    f.step()
    before = (opt.param_groups[0]["lr"], f.last_epoch, f._step_count, f.get_last_lr())
    with pytest.raises(Boom, match="epoch 2"):
        f.step()
    assert (opt.param_groups[0]["lr"], f.last_epoch, f._step_count, f.get_last_lr()) == before
    f.fail_at = -5
    f.step()
    assert f.last_epoch == 2 and opt.param_groups[0]["lr"] == 0.0125
    bad = Flaky(make_sgd(api), -5)
    bad.result = [0.1, 0.2]
    with pytest.raises(ValueError, match="2 lrs for 1 param groups"):
        bad.step()
    bad.result = ["x"]
    with pytest.raises(TypeError):
        bad.step()
    bad.result = [float("nan")]
    with pytest.raises(ValueError, match="non-finite"):
        bad.step()
    assert bad.last_epoch == 0 and bad.optimizer.param_groups[0]["lr"] == 0.05

    # A preview steps copies, which a Python get_lr() (reading self) cannot follow.
    with pytest.raises(NotImplementedError, match="preview"):
        f.preview(3)
    with pytest.raises(NotImplementedError, match="preview"):
        api.preview([api.ChainedScheduler([f])], 2)

    class NoGetLR(base):
        pass

    with pytest.raises(NotImplementedError):
        NoGetLR(make_sgd(api))
    with pytest.raises(NotImplementedError):
        base(make_sgd(api))


class PicklableWarmup(lrsched.LRScheduler):  # module level: picklable by reference
    def __init__(self, optimizer, warmup, last_epoch=-1):
        self.warmup = warmup
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [b * min(1.0, (self.last_epoch + 1) / self.warmup) for b in self.base_lrs]


def test_subclass_copies_continue():
    opt = make_sgd(lrsched, 2)
    s = PicklableWarmup(opt, 6)
    for _ in range(2):
        s.step()
    for copier in (copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))):
        o2, s2 = copier((opt, s))
        assert s2.optimizer is o2 and s2.warmup == 6 and s2.state_dict() == s.state_dict()
        a, b = [], []
        for _ in range(6):
            s2.step()
            a.append(lrs(o2))
        b = [lrs(opt)]
        for _ in range(6):
            s.step()
        assert a[-1] == lrs(opt) and b != a
        s.load_state_dict(s2.state_dict())  # back in step with the copy
        opt.load_state_dict(o2.state_dict())


@needs_torch
def test_wrapped_subclass_inside_torch_sequential_lr(base):
    import lrsched.torch

    def run(first, second):
        o = torch_opt()
        seq = T.SequentialLR(o, [first(o), second(o)], milestones=[3])
        out = [lrs(o)]
        for _ in range(8):
            o.step()
            seq.step()
            out.append(lrs(o))
        return out

    tw, td = subclasses(T.LRScheduler)
    ow, od = subclasses(base)
    theirs = run(lambda o: tw(o, 3, 10), lambda o: td(o, 0.5))
    ours = run(lambda o: lrsched.torch.wrap(ow(o, 3, 10)), lambda o: lrsched.torch.wrap(od(o, 0.5)))
    assert ours == theirs


# ------------------------------------------------------------------------------------
# CyclicLR's scale_fn
# ------------------------------------------------------------------------------------


class HalfEvery:  # a callable object: torch saves its __dict__ as _scale_fn_custom
    def __init__(self, base):
        self.base = base

    def __call__(self, x):
        return self.base ** (x - 1)


SCALE_FNS = {
    "lambda-cycle": (lambda x: 1 / (2.0 ** (x - 1)), "cycle"),
    "lambda-iterations": (lambda x: 0.97 ** x, "iterations"),
    "object-cycle": (HalfEvery(0.8), "cycle"),
    "partial-iterations": (functools.partial(pow, 0.99), "iterations"),
}


def cyclic(mod, opt, name):
    fn, mode = SCALE_FNS[name]
    return mod.CyclicLR(opt, base_lr=[0.01, 0.005], max_lr=0.1, step_size_up=3, step_size_down=2,
                        scale_fn=fn, scale_mode=mode)


@needs_torch
@pytest.mark.parametrize("name", sorted(SCALE_FNS))
def test_cyclic_scale_fn_as_torch(api, name):
    o1, o2 = torch_opt(), torch_opt()
    theirs, ours = cyclic(T, o1, name), cyclic(api, o2, name)
    for _ in range(16):
        o1.step(), o2.step()
        theirs.step(), ours.step()
        assert (lrs(o2), [g["momentum"] for g in o2.param_groups]) == \
            (lrs(o1), [g["momentum"] for g in o1.param_groups])
    assert ours.state_dict() == theirs.state_dict()  # _scale_fn_custom, scale_mode, mode: torch's


def test_cyclic_scale_fn_without_torch(api):
    calls = []

    def scale(x):
        calls.append(x)
        return 0.5

    opt = make_sgd(api, momentum=0.9)
    s = api.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=scale, scale_mode="iterations")
    s.step()  # iteration 1: halfway up, scaled by half
    assert opt.param_groups[0]["lr"] == 0.01 + (0.1 - 0.01) * 0.5 * 0.5
    assert calls[-1] == 1 and type(calls[-1]) is int  # torch passes an int
    s2 = api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, step_size_up=2, scale_fn=scale)
    s2.step(), s2.step(), s2.step()  # iteration 3: cycle 1 + 3 // 4 = 1
    assert calls[-1] == 1
    for _ in range(2):
        s2.step()
    assert calls[-1] == 2  # cycle 2
    obj = HalfEvery(0.5)
    s3 = api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, scale_fn=obj)
    sd = s3.state_dict()
    assert sd["_scale_fn_custom"] == {"base": 0.5}
    sd["_scale_fn_custom"] = {"base": 0.25}
    s3.load_state_dict(sd)
    assert obj.base == 0.25  # torch updates the object's __dict__
    assert api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, scale_fn=scale).state_dict()["_scale_fn_custom"] is None


def test_cyclic_scale_fn_errors(api):
    def boom(x):
        raise Boom("scale")

    with pytest.raises(Boom):
        api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, scale_fn=boom)
    flaky = {"fail": False}

    def sometimes(x):
        if flaky["fail"]:
            raise Boom("now")
        return 1.0

    opt = make_sgd(api, momentum=0.9)
    s = api.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=sometimes)
    flaky["fail"] = True
    before = (opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"], s.last_epoch)
    with pytest.raises(Boom):
        s.step()
    assert (opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"], s.last_epoch) == before
    flaky["fail"] = False
    s.step()
    assert s.last_epoch == 1
    with pytest.raises(TypeError, match="callable"):
        api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, scale_fn=3)
    with pytest.raises(ValueError, match="scale_mode"):
        api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, scale_fn=sometimes, scale_mode="epochs")
    # mode is not checked when a scale_fn is given (torch)
    api.CyclicLR(make_sgd(api, momentum=0.9), 0.01, 0.1, mode="sawtooth", scale_fn=sometimes)
    # copies keep the function
    s4 = copy.deepcopy(s)
    assert s4._scale_fn_custom is sometimes
    s4.step(), s.step()
    assert s4.get_last_lr() == s.get_last_lr()
