# Empty compiler generated dependencies file for test_csup_proc.
# This may be replaced when dependencies are built.
