# Empty compiler generated dependencies file for csupcli.
# This may be replaced when dependencies are built.
