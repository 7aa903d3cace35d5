
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/lifecycle/worker/agent.c" "worker/CMakeFiles/workerlib.dir/agent.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/agent.c.o.d"
  "/work/wt/lifecycle/worker/api_routes.c" "worker/CMakeFiles/workerlib.dir/api_routes.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/api_routes.c.o.d"
  "/work/wt/lifecycle/worker/clock.c" "worker/CMakeFiles/workerlib.dir/clock.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/clock.c.o.d"
  "/work/wt/lifecycle/worker/extract.c" "worker/CMakeFiles/workerlib.dir/extract.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/extract.c.o.d"
  "/work/wt/lifecycle/worker/hook.c" "worker/CMakeFiles/workerlib.dir/hook.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/hook.c.o.d"
  "/work/wt/lifecycle/worker/http.c" "worker/CMakeFiles/workerlib.dir/http.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/http.c.o.d"
  "/work/wt/lifecycle/worker/mcp_client.c" "worker/CMakeFiles/workerlib.dir/mcp_client.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/mcp_client.c.o.d"
  "/work/wt/lifecycle/worker/notify.c" "worker/CMakeFiles/workerlib.dir/notify.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/notify.c.o.d"
  "/work/wt/lifecycle/worker/queue.c" "worker/CMakeFiles/workerlib.dir/queue.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/queue.c.o.d"
  "/work/wt/lifecycle/worker/search_routes.c" "worker/CMakeFiles/workerlib.dir/search_routes.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/search_routes.c.o.d"
  "/work/wt/lifecycle/worker/shutdown.c" "worker/CMakeFiles/workerlib.dir/shutdown.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/shutdown.c.o.d"
  "/work/wt/lifecycle/worker/sse.c" "worker/CMakeFiles/workerlib.dir/sse.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/sse.c.o.d"
  "/work/wt/lifecycle/worker/store.c" "worker/CMakeFiles/workerlib.dir/store.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/store.c.o.d"
  "/work/wt/lifecycle/worker/viewer.c" "worker/CMakeFiles/workerlib.dir/viewer.c.o" "gcc" "worker/CMakeFiles/workerlib.dir/viewer.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/lifecycle/build2/common/CMakeFiles/csupcommon.dir/DependInfo.cmake"
  "/work/wt/lifecycle/build2/common/CMakeFiles/memdb.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
