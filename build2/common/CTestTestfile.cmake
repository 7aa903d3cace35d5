# CMake generated Testfile for 
# Source directory: /work/wt/lifecycle/common
# Build directory: /work/wt/lifecycle/build2/common
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
