# Empty dependencies file for test_search_rank.
# This may be replaced when dependencies are built.
