# Empty compiler generated dependencies file for csup-logger.
# This may be replaced when dependencies are built.
