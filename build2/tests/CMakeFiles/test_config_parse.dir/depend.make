# Empty dependencies file for test_config_parse.
# This may be replaced when dependencies are built.
