# Empty compiler generated dependencies file for workerlib.
# This may be replaced when dependencies are built.
