# Empty compiler generated dependencies file for csupmonitor.
# This may be replaced when dependencies are built.
