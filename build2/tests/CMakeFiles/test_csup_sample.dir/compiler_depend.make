# Empty compiler generated dependencies file for test_csup_sample.
# This may be replaced when dependencies are built.
