# Empty dependencies file for test_csup_cgroup.
# This may be replaced when dependencies are built.
