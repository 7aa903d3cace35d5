# Empty compiler generated dependencies file for mem-worker.
# This may be replaced when dependencies are built.
