# Empty dependencies file for test_csup_http.
# This may be replaced when dependencies are built.
