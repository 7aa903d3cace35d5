# Empty dependencies file for test_csup_applog_drop.
# This may be replaced when dependencies are built.
