# Empty dependencies file for test_csup_watchdog.
# This may be replaced when dependencies are built.
