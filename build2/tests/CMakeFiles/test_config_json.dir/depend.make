# Empty dependencies file for test_config_json.
# This may be replaced when dependencies are built.
