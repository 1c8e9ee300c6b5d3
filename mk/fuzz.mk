# Fuzz targets for the core's JSON spec and state readers.
.PHONY: fuzz
fuzz:
	@true
