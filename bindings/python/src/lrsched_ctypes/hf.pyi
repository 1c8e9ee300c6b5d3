# Type stubs of lrsched_ctypes.hf: the same functions as lrsched.hf, whose stubs
# (lrsched/hf.pyi, generated) are the one source of both.
from lrsched.hf import *
from lrsched.hf import __all__ as __all__
