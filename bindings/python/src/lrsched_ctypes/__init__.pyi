# Type stubs of lrsched_ctypes: the same API as lrsched, whose stubs (lrsched/__init__.pyi)
# are the one source of both (installed together by one pip install).
from lrsched import *
from lrsched import EpochRecord as EpochRecord
from lrsched import ParamGroup as ParamGroup
from lrsched import __all__ as __all__
from lrsched import __version__ as __version__
