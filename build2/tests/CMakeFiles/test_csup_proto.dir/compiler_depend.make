# Empty compiler generated dependencies file for test_csup_proto.
# This may be replaced when dependencies are built.
