# Empty dependencies file for test_search_args.
# This may be replaced when dependencies are built.
