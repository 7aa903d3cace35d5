# Empty compiler generated dependencies file for test_common_units.
# This may be replaced when dependencies are built.
