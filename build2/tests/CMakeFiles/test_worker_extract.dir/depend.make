# Empty dependencies file for test_worker_extract.
# This may be replaced when dependencies are built.
