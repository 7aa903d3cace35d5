# Empty compiler generated dependencies file for test_csup_systemd.
# This may be replaced when dependencies are built.
