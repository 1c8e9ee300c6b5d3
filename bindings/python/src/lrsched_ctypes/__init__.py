"""lrsched_ctypes — lrsched's API over ctypes (no compiled extension).

The same names, signatures, behaviour and exceptions as ``lrsched`` (:class:`SGD`, the
fifteen torch schedulers, :func:`from_spec`, :func:`preview`, :func:`plot`, the
:class:`Linear`/:class:`ReLU`/:class:`Sequential` models and :class:`Trainer`), with
liblrsched.so loaded through ctypes. It never imports the ``lrsched`` package or its
extension; it finds ``liblrsched.so.0`` installed beside them (or at ``$LRSCHED_LIBRARY``).
Slower per call than ``lrsched`` (about a microsecond per step), same doubles; a fit costs
the same (the loop runs in the library).
"""

import _lrsched_api

from . import _capi

# The shared API, run as this package's own modules (lrsched_ctypes._schedulers, ...) over _capi;
# __all__ included.
globals().update(_lrsched_api.load(__name__, _capi))

__version__ = _capi.version()

del _lrsched_api
