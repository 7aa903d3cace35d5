# Empty dependencies file for csupcommon.
# This may be replaced when dependencies are built.
