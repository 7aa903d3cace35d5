# Empty dependencies file for test_config_cron.
# This may be replaced when dependencies are built.
