# Empty dependencies file for memdb.
# This may be replaced when dependencies are built.
