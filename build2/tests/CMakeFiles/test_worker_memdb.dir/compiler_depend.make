# Empty compiler generated dependencies file for test_worker_memdb.
# This may be replaced when dependencies are built.
