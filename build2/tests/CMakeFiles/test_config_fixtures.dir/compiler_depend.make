# Empty compiler generated dependencies file for test_config_fixtures.
# This may be replaced when dependencies are built.
