# Empty dependencies file for mem-search.
# This may be replaced when dependencies are built.
