# Generated files: tools/regen.py derives them from the scheduler descriptors
# (`lrsched-cli describe --json`) and from include/lrsched.h.
#
#   make regen         rewrite them: the scheduler subschemas and discriminator of
#                      docs/lrsched-spec.schema.json, the parameter tables of docs/spec.md
#                      (between <!-- regen:params NAME --> and <!-- /regen -->), and
#                      Sources/LRSchedSupport/LRSchedVersion.swift
#   make regen-check   change nothing; fail with a diff when any of them is out of date
#                      (make test runs it)
#
# Both build the debug lrsched-cli first (swift test builds into the same .build/debug).

REGEN_CLI := .build/debug/lrsched-cli

.PHONY: regen regen-check regen-cli

regen-cli:
	$(SWIFT) build --product lrsched-cli

regen: regen-cli $(VENV_STAMP)
	$(VENV_PY) tools/regen.py --cli $(REGEN_CLI)

regen-check: regen-cli $(VENV_STAMP)
	$(VENV_PY) tools/regen.py --cli $(REGEN_CLI) --check
