# Empty dependencies file for test_csup_lifecycle.
# This may be replaced when dependencies are built.
