# Empty dependencies file for test_csup_kill.
# This may be replaced when dependencies are built.
