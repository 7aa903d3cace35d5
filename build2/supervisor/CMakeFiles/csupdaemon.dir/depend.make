# Empty dependencies file for csupdaemon.
# This may be replaced when dependencies are built.
