# Empty compiler generated dependencies file for test_csup_watch.
# This may be replaced when dependencies are built.
