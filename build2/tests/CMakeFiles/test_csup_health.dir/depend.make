# Empty dependencies file for test_csup_health.
# This may be replaced when dependencies are built.
