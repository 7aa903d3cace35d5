# Empty dependencies file for test_search_fixture.
# This may be replaced when dependencies are built.
