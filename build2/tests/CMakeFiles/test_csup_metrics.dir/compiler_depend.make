# Empty compiler generated dependencies file for test_csup_metrics.
# This may be replaced when dependencies are built.
