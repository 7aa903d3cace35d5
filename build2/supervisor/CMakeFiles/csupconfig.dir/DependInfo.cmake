
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/supervisor/config/config.c" "supervisor/CMakeFiles/csupconfig.dir/config/config.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_app.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_app.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_app.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_dotenv.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_dotenv.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_dotenv.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_field.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_field.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_field.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_fields.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_fields.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_fields.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_js.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_js.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_js.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_json.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_json.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_json.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_json5.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_json5.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_json5.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_node.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_node.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_node.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_resolve.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_resolve.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_resolve.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_strv.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_strv.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_strv.c.o.d"
  "/work/wt/lifecycle/supervisor/config/config_yaml.c" "supervisor/CMakeFiles/csupconfig.dir/config/config_yaml.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/config_yaml.c.o.d"
  "/work/wt/lifecycle/supervisor/config/cron.c" "supervisor/CMakeFiles/csupconfig.dir/config/cron.c.o" "gcc" "supervisor/CMakeFiles/csupconfig.dir/config/cron.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
