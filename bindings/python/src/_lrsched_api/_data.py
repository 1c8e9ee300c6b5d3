"""float32 data for models and trainers (the caller's buffers read in place, or one
converted copy), numpy imported lazily, float64 preview matrices, progress bars.
Backend-independent: imported once, shared by both packages."""

from __future__ import annotations

import sys


# --- numpy, lazily ------------------------------------------------------------------------

_numpy_module = None
_numpy_checked = False


def _numpy():
    global _numpy_module, _numpy_checked
    if not _numpy_checked:
        try:
            import numpy
        except ImportError:
            numpy = None
        _numpy_module = numpy
        _numpy_checked = True
    return _numpy_module


def _as_matrix(buf, rows, cols):
    np = _numpy()
    if np is not None:
        return np.frombuffer(buf, dtype=np.float64).reshape(rows, cols)
    mv = memoryview(buf)
    if rows == 0 or cols == 0:
        return mv.cast("d")  # memoryview shapes cannot hold a zero dimension
    return mv.cast("d", (rows, cols))


# --- float32 data for models and trainers -------------------------------------------------

_F32_FORMATS = frozenset(("f", "@f", "=f", "<f" if sys.byteorder == "little" else ">f"))


def _float32_view(obj):
    """A memoryview of obj when obj exports C-contiguous float32 values (readable in place
    by the library), else None."""
    try:
        mv = memoryview(obj)
    except TypeError:
        return None
    if mv.format in _F32_FORMATS and mv.itemsize == 4 and mv.c_contiguous:
        return mv
    return None


def _array_f32(values):
    from array import array

    return array("f", values)


def _nested(obj, what):
    """(flat list of floats, shape) of nested lists/tuples of numbers; ValueError when
    ragged."""
    shape = []
    probe = obj
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    flat = []
    depth_max = len(shape)

    def walk(x, depth):
        if depth == depth_max:
            if isinstance(x, (list, tuple)):
                raise ValueError(f"{what}: nested lists of uneven depth")
            if isinstance(x, (str, bytes, bytearray)):
                raise TypeError(f"{what}: expected numbers, got {type(x).__name__}")
            flat.append(float(x))
            return
        if not isinstance(x, (list, tuple)) or len(x) != shape[depth]:
            raise ValueError(f"{what}: nested lists of uneven lengths (expected shape {tuple(shape)})")
        for v in x:
            walk(v, depth + 1)

    walk(obj, 0)
    return flat, tuple(shape)


def _to_float32(obj, what):
    """(C-contiguous float32 buffer, shape): one copy of obj (numpy when importable, else
    array('f'))."""
    np = _numpy()
    if np is not None:
        try:
            a = np.ascontiguousarray(obj, dtype=np.float32)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{what} must be numbers in a matrix: {e}") from None
        return a, a.shape
    try:
        mv = memoryview(obj)
    except TypeError:
        mv = None
    if mv is not None:
        if mv.ndim == 0:
            return _array_f32([float(mv.tolist())]), ()
        obj = mv.tolist()
    elif not isinstance(obj, (list, tuple)):
        if isinstance(obj, (str, bytes, bytearray)):
            raise TypeError(f"{what} must hold numbers, got {type(obj).__name__}")
        try:
            obj = list(obj)
        except TypeError:
            return _array_f32([float(obj)]), ()
    flat, shape = _nested(obj, what)
    return _array_f32(flat), shape


def _matrix(obj, what, cols, vector_ok):
    """(buffer, rows, cols) of obj as a rows x cols float32 matrix: obj itself when it is a
    C-contiguous float32 buffer (read in place), else a converted copy. A 1-D obj is a
    column (n, 1) when vector_ok. cols None: any width."""
    mv = _float32_view(obj)
    if mv is not None:
        data, shape = obj, mv.shape
    else:
        data, shape = _to_float32(obj, what)
    if len(shape) == 2 and (cols is None or shape[1] == cols):
        return data, shape[0], shape[1]
    if len(shape) == 1 and vector_ok:
        return data, shape[0], 1
    want = f"(n, {cols if cols is not None else 'features'})" + (" or (n,)" if vector_ok else "")
    raise ValueError(f"{what} must have shape {want}, got shape {tuple(shape)}")


def _parameter_values(values, shape, numel):
    """values as exactly numel float32 values for a parameter of the given shape: a flat
    sequence or buffer of numel numbers, or nested lists (or a buffer) of that shape."""
    what = f"values for a parameter of shape {shape}"
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError(f"{what} must be numbers, not {type(values).__name__}")
    mv = _float32_view(values)
    if mv is not None:
        data, got = values, mv.shape
    else:
        try:
            memoryview(values)
            is_buffer = True
        except TypeError:
            is_buffer = False
        if not is_buffer and not isinstance(values, (list, tuple)):
            try:
                values = list(values)
            except TypeError:
                raise TypeError(f"{what} must be a sequence or buffer of numbers, "
                                f"not {type(values).__name__}") from None
        data, got = _to_float32(values, what)
    got = tuple(got)
    if got == tuple(shape) or got == (numel,):
        return data
    raise ValueError(f"{what} needs {numel} numbers (flat) or that shape; got shape {got}")


# --- Progress bars ------------------------------------------------------------------------


class _PlainBar:
    """A one-line progress bar on stderr (when tqdm is not installed)."""

    width = 30

    def __init__(self, total):
        self.total = total
        self.n = 0
        self.shown = 0
        self.stream = sys.stderr
        self._draw("")

    def _draw(self, info):
        frac = self.n / self.total if self.total else 1.0
        filled = int(self.width * frac)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.n}/{self.total} epochs{info}"
        self.stream.write("\r" + line + " " * max(0, self.shown - len(line)))
        self.shown = len(line)
        self.stream.flush()

    def update(self, row):
        self.n += 1
        self._draw(f"  loss {row['loss']:.4g}  lr {row['lr_after']:.4g}")

    def close(self):
        self.stream.write("\n")
        self.stream.flush()


class _TqdmBar:
    def __init__(self, tqdm, total):
        self.bar = tqdm(total=total, unit="epoch")

    def update(self, row):
        self.bar.set_postfix(loss=f"{row['loss']:.4g}", lr=f"{row['lr_after']:.4g}", refresh=False)
        self.bar.update(1)

    def close(self):
        self.bar.close()


def _progress_bar(total):
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(total)
    return _TqdmBar(tqdm, total)
