
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/search-server/args.c" "search-server/CMakeFiles/searchlib.dir/args.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/args.c.o.d"
  "/work/wt/lifecycle/search-server/format.c" "search-server/CMakeFiles/searchlib.dir/format.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/format.c.o.d"
  "/work/wt/lifecycle/search-server/httpd.c" "search-server/CMakeFiles/searchlib.dir/httpd.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/httpd.c.o.d"
  "/work/wt/lifecycle/search-server/mcp.c" "search-server/CMakeFiles/searchlib.dir/mcp.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/mcp.c.o.d"
  "/work/wt/lifecycle/search-server/query.c" "search-server/CMakeFiles/searchlib.dir/query.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/query.c.o.d"
  "/work/wt/lifecycle/search-server/rank.c" "search-server/CMakeFiles/searchlib.dir/rank.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/rank.c.o.d"
  "/work/wt/lifecycle/search-server/rankindex.c" "search-server/CMakeFiles/searchlib.dir/rankindex.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/rankindex.c.o.d"
  "/work/wt/lifecycle/search-server/sbuf.c" "search-server/CMakeFiles/searchlib.dir/sbuf.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/sbuf.c.o.d"
  "/work/wt/lifecycle/search-server/stdio.c" "search-server/CMakeFiles/searchlib.dir/stdio.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/stdio.c.o.d"
  "/work/wt/lifecycle/search-server/timeline.c" "search-server/CMakeFiles/searchlib.dir/timeline.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/timeline.c.o.d"
  "/work/wt/lifecycle/search-server/tools.c" "search-server/CMakeFiles/searchlib.dir/tools.c.o" "gcc" "search-server/CMakeFiles/searchlib.dir/tools.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/memdb.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
