
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/logger/applog.c" "supervisor/CMakeFiles/csup-logger.dir/logger/applog.c.o" "gcc" "supervisor/CMakeFiles/csup-logger.dir/logger/applog.c.o.d"
  "/work/wt/lifecycle/supervisor/logger/applog_mirror.c" "supervisor/CMakeFiles/csup-logger.dir/logger/applog_mirror.c.o" "gcc" "supervisor/CMakeFiles/csup-logger.dir/logger/applog_mirror.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupapplog.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
