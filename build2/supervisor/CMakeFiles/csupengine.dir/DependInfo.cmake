
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/engine/cgroup.c" "supervisor/CMakeFiles/csupengine.dir/engine/cgroup.c.o" "gcc" "supervisor/CMakeFiles/csupengine.dir/engine/cgroup.c.o.d"
  "/work/wt/lifecycle/supervisor/engine/kill.c" "supervisor/CMakeFiles/csupengine.dir/engine/kill.c.o" "gcc" "supervisor/CMakeFiles/csupengine.dir/engine/kill.c.o.d"
  "/work/wt/lifecycle/supervisor/engine/lifecycle.c" "supervisor/CMakeFiles/csupengine.dir/engine/lifecycle.c.o" "gcc" "supervisor/CMakeFiles/csupengine.dir/engine/lifecycle.c.o.d"
  "/work/wt/lifecycle/supervisor/engine/proc.c" "supervisor/CMakeFiles/csupengine.dir/engine/proc.c.o" "gcc" "supervisor/CMakeFiles/csupengine.dir/engine/proc.c.o.d"
  "/work/wt/lifecycle/supervisor/engine/sample.c" "supervisor/CMakeFiles/csupengine.dir/engine/sample.c.o" "gcc" "supervisor/CMakeFiles/csupengine.dir/engine/sample.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupconfig.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
