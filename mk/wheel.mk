# The Python distributions of bindings/python: manylinux wheels and the sdist
# (tools/wheel.sh does the work; dist/ is git-ignored).
#
#   make wheel [PYTHONS="python3.12 /path/to/python3.13"]
#                       a manylinux_2_34_x86_64 wheel per interpreter into dist/ (default:
#                       every python3.X, 3.11+, on PATH that runs), built from the
#                       self-contained library of lib-static-runtime (no Swift rebuild),
#                       repaired and stripped by auditwheel, then checked: no build paths,
#                       RUNPATH only $ORIGIN, LICENSE and NOTICE in the metadata
#   make sdist          dist/lrsched-<version>.tar.gz (python -m build --sdist), its file
#                       list checked: the Swift package under swift/, no tests
#   make test-wheel     $(PYTHON)'s wheel (built first) installed into a fresh venv with the
#                       Swift toolchain unreachable (unshare -m, an empty tmpfs over it; not on
#                       PATH), run from a temp folder: the Python suite and the conformance
#                       runner on every vector file (make test runs it)
#   make test-sdist     pip install of the sdist into a fresh venv, which builds the library
#                       from the sdist's Swift sources (about a minute here), then the packaging
#                       and vector tests. Not in make test.

WHEEL_OUT ?= dist
PYTHONS   ?= $(shell bash tools/wheel.sh pythons)

.PHONY: wheel sdist test-wheel test-sdist wheel-clean

wheel: lib-static-runtime $(VENV_STAMP)
	@bash tools/wheel.sh build $(PY_LIB) $(WHEEL_OUT) $(PYTHONS)

sdist: $(VENV_STAMP)
	@bash tools/wheel.sh sdist $(WHEEL_OUT)

# The self-contained lrsched-cli (make install's) runs there too: test_examples compares with its demo.
test-wheel: lib-static-runtime cli-static-runtime $(VENV_STAMP)
	@bash tools/wheel.sh build $(PY_LIB) $(WHEEL_OUT) $(PYTHON)
	@bash tools/wheel.sh test $(WHEEL_OUT) $(PYTHON) $(ALL_VECTORS)

test-sdist: sdist
	@bash tools/wheel.sh test-sdist $$(ls -t $(WHEEL_OUT)/lrsched-*.tar.gz | head -n 1) $(PYTHON)

wheel-clean:
	rm -rf $(WHEEL_OUT) .build-wheel
