
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/cli/check.c" "supervisor/CMakeFiles/csupcli.dir/cli/check.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/check.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/cli.c" "supervisor/CMakeFiles/csupcli.dir/cli/cli.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/cli.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/cli_logs.c" "supervisor/CMakeFiles/csupcli.dir/cli/cli_logs.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/cli_logs.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/cli_show.c" "supervisor/CMakeFiles/csupcli.dir/cli/cli_show.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/cli_show.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/client.c" "supervisor/CMakeFiles/csupcli.dir/cli/client.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/client.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/systemd.c" "supervisor/CMakeFiles/csupcli.dir/cli/systemd.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/systemd.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/systemd_export.c" "supervisor/CMakeFiles/csupcli.dir/cli/systemd_export.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/systemd_export.c.o.d"
  "/work/wt/lifecycle/supervisor/cli/systemd_startup.c" "supervisor/CMakeFiles/csupcli.dir/cli/systemd_startup.c.o" "gcc" "supervisor/CMakeFiles/csupcli.dir/cli/systemd_startup.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupshared.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/supervisor/CMakeFiles/csupconfig.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
