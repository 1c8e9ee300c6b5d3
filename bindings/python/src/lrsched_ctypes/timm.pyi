# Type stubs of lrsched_ctypes.timm: the same classes as lrsched.timm, whose stubs
# (lrsched/timm.pyi, generated) are the one source of both.
from lrsched.timm import *
from lrsched.timm import __all__ as __all__
