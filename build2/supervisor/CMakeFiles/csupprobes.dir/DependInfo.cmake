
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/probes/health.c" "supervisor/CMakeFiles/csupprobes.dir/probes/health.c.o" "gcc" "supervisor/CMakeFiles/csupprobes.dir/probes/health.c.o.d"
  "/work/wt/lifecycle/supervisor/probes/ready.c" "supervisor/CMakeFiles/csupprobes.dir/probes/ready.c.o" "gcc" "supervisor/CMakeFiles/csupprobes.dir/probes/ready.c.o.d"
  "/work/wt/lifecycle/supervisor/probes/watch.c" "supervisor/CMakeFiles/csupprobes.dir/probes/watch.c.o" "gcc" "supervisor/CMakeFiles/csupprobes.dir/probes/watch.c.o.d"
  "/work/wt/lifecycle/supervisor/probes/watchglob.c" "supervisor/CMakeFiles/csupprobes.dir/probes/watchglob.c.o" "gcc" "supervisor/CMakeFiles/csupprobes.dir/probes/watchglob.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
