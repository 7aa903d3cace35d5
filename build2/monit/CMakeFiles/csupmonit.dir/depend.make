# Empty dependencies file for csupmonit.
# This may be replaced when dependencies are built.
