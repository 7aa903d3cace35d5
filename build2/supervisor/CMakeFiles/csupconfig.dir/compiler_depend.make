# Empty compiler generated dependencies file for csupconfig.
# This may be replaced when dependencies are built.
