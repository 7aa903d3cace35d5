# Empty compiler generated dependencies file for csupprobes.
# This may be replaced when dependencies are built.
