# The project virtualenv: every Python-using target runs $(VENV_PY), never the system's
# python3 (Debian's refuses pip outside a virtualenv: PEP 668).
#
#   make deps-python          make $(VENV) from $(PYTHON) (default python3) and install the
#                             test packages into it (tools/install-deps.sh --python)
#   make test PYTHON=python3.12   the same with another interpreter: the venv is made anew
#
# Targets that need it depend on $(VENV_STAMP), which only a missing venv makes rerun;
# `make deps` (which `make test` runs) checks the packages every time.

PYTHON      ?= python3
VENV        ?= .venv
VENV_PY     := $(VENV)/bin/python
VENV_STAMP  := $(VENV)/.lrsched-deps

$(VENV_STAMP):
	@PYTHON="$(PYTHON)" VENV="$(VENV)" bash tools/install-deps.sh --python
