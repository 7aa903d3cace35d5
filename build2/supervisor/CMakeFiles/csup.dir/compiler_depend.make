# Empty compiler generated dependencies file for csup.
# This may be replaced when dependencies are built.
