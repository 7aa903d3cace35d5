# Empty dependencies file for searchlib.
# This may be replaced when dependencies are built.
