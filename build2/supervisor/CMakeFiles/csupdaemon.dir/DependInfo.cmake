
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/daemon/app.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/app.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/app.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/cmd.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/cmd.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/cmd.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/ctl.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/ctl.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/ctl.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/daemon.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/daemon.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/daemon.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/figures.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/figures.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/figures.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/guard.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/guard.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/guard.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/monitor.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/monitor.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/monitor.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/orphan.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/orphan.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/orphan.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/probe.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/probe.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/probe.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/readyz.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/readyz.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/readyz.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/run.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/run.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/run.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/spawn.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/spawn.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/spawn.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/stop.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/stop.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/stop.c.o.d"
  "/work/wt/lifecycle/supervisor/daemon/store.c" "supervisor/CMakeFiles/csupdaemon.dir/daemon/store.c.o" "gcc" "supervisor/CMakeFiles/csupdaemon.dir/daemon/store.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupshared.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupengine.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupprobes.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupmonitor.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupapplog.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupconfig.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
