# Empty compiler generated dependencies file for test_monit_layout.
# This may be replaced when dependencies are built.
