
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/monit/draw.c" "monit/CMakeFiles/csup-monit.dir/draw.c.o" "gcc" "monit/CMakeFiles/csup-monit.dir/draw.c.o.d"
  "/work/wt/lifecycle/monit/main.c" "monit/CMakeFiles/csup-monit.dir/main.c.o" "gcc" "monit/CMakeFiles/csup-monit.dir/main.c.o.d"
  "/work/wt/lifecycle/monit/wire.c" "monit/CMakeFiles/csup-monit.dir/wire.c.o" "gcc" "monit/CMakeFiles/csup-monit.dir/wire.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/monit/CMakeFiles/csupmonit.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupshared.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupconfig.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
