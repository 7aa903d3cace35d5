
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/monit/layout.c" "monit/CMakeFiles/csupmonit.dir/layout.c.o" "gcc" "monit/CMakeFiles/csupmonit.dir/layout.c.o.d"
  "/work/wt/lifecycle/monit/logtail.c" "monit/CMakeFiles/csupmonit.dir/logtail.c.o" "gcc" "monit/CMakeFiles/csupmonit.dir/logtail.c.o.d"
  "/work/wt/lifecycle/monit/model.c" "monit/CMakeFiles/csupmonit.dir/model.c.o" "gcc" "monit/CMakeFiles/csupmonit.dir/model.c.o.d"
  "/work/wt/lifecycle/monit/spark.c" "monit/CMakeFiles/csupmonit.dir/spark.c.o" "gcc" "monit/CMakeFiles/csupmonit.dir/spark.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
