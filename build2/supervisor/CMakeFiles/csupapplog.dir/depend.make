# Empty dependencies file for csupapplog.
# This may be replaced when dependencies are built.
