# Empty dependencies file for test_config_fields.
# This may be replaced when dependencies are built.
