# Empty compiler generated dependencies file for test_csup_alert.
# This may be replaced when dependencies are built.
