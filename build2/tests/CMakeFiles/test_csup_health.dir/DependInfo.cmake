
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/tests/unit/test_csup_health.c" "tests/CMakeFiles/test_csup_health.dir/unit/test_csup_health.c.o" "gcc" "tests/CMakeFiles/test_csup_health.dir/unit/test_csup_health.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupcli.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupdaemon.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupshared.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupengine.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupconfig.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupprobes.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupmonitor.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupapplog.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
