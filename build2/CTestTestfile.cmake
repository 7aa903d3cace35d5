# CMake generated Testfile for 
# Source directory: /work/wt/lifecycle
# Build directory: /work/wt/lifecycle/build2
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("common")
subdirs("supervisor")
subdirs("monit")
subdirs("worker")
subdirs("search-server")
subdirs("tests")
subdirs("packaging")
