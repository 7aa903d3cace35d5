# Empty compiler generated dependencies file for csupshared.
# This may be replaced when dependencies are built.
