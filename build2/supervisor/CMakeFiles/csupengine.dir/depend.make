# Empty dependencies file for csupengine.
# This may be replaced when dependencies are built.
