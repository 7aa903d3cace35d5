# Empty compiler generated dependencies file for csup-monit.
# This may be replaced when dependencies are built.
