
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/common/clock.c" "common/CMakeFiles/csupcommon.dir/clock.c.o" "gcc" "common/CMakeFiles/csupcommon.dir/clock.c.o.d"
  "/work/wt/lifecycle/common/env.c" "common/CMakeFiles/csupcommon.dir/env.c.o" "gcc" "common/CMakeFiles/csupcommon.dir/env.c.o.d"
  "/work/wt/lifecycle/common/log.c" "common/CMakeFiles/csupcommon.dir/log.c.o" "gcc" "common/CMakeFiles/csupcommon.dir/log.c.o.d"
  "/work/wt/lifecycle/common/netlocal.c" "common/CMakeFiles/csupcommon.dir/netlocal.c.o" "gcc" "common/CMakeFiles/csupcommon.dir/netlocal.c.o.d"
  "/work/wt/lifecycle/common/units.c" "common/CMakeFiles/csupcommon.dir/units.c.o" "gcc" "common/CMakeFiles/csupcommon.dir/units.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
