
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/monitor/alert.c" "supervisor/CMakeFiles/csupmonitor.dir/monitor/alert.c.o" "gcc" "supervisor/CMakeFiles/csupmonitor.dir/monitor/alert.c.o.d"
  "/work/wt/lifecycle/supervisor/monitor/dashboard.c" "supervisor/CMakeFiles/csupmonitor.dir/monitor/dashboard.c.o" "gcc" "supervisor/CMakeFiles/csupmonitor.dir/monitor/dashboard.c.o.d"
  "/work/wt/lifecycle/supervisor/monitor/http.c" "supervisor/CMakeFiles/csupmonitor.dir/monitor/http.c.o" "gcc" "supervisor/CMakeFiles/csupmonitor.dir/monitor/http.c.o.d"
  "/work/wt/lifecycle/supervisor/monitor/metrics.c" "supervisor/CMakeFiles/csupmonitor.dir/monitor/metrics.c.o" "gcc" "supervisor/CMakeFiles/csupmonitor.dir/monitor/metrics.c.o.d"
  "/work/wt/lifecycle/supervisor/monitor/watchdog.c" "supervisor/CMakeFiles/csupmonitor.dir/monitor/watchdog.c.o" "gcc" "supervisor/CMakeFiles/csupmonitor.dir/monitor/watchdog.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
