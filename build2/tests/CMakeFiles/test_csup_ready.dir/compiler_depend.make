# Empty compiler generated dependencies file for test_csup_ready.
# This may be replaced when dependencies are built.
