file(REMOVE_RECURSE
  "CMakeFiles/workerlib.dir/agent.c.o"
  "CMakeFiles/workerlib.dir/agent.c.o.d"
  "CMakeFiles/workerlib.dir/api_routes.c.o"
  "CMakeFiles/workerlib.dir/api_routes.c.o.d"
  "CMakeFiles/workerlib.dir/clock.c.o"
  "CMakeFiles/workerlib.dir/clock.c.o.d"
  "CMakeFiles/workerlib.dir/extract.c.o"
  "CMakeFiles/workerlib.dir/extract.c.o.d"
  "CMakeFiles/workerlib.dir/hook.c.o"
  "CMakeFiles/workerlib.dir/hook.c.o.d"
  "CMakeFiles/workerlib.dir/http.c.o"
  "CMakeFiles/workerlib.dir/http.c.o.d"
  "CMakeFiles/workerlib.dir/mcp_client.c.o"
  "CMakeFiles/workerlib.dir/mcp_client.c.o.d"
  "CMakeFiles/workerlib.dir/notify.c.o"
  "CMakeFiles/workerlib.dir/notify.c.o.d"
  "CMakeFiles/workerlib.dir/queue.c.o"
  "CMakeFiles/workerlib.dir/queue.c.o.d"
  "CMakeFiles/workerlib.dir/search_routes.c.o"
  "CMakeFiles/workerlib.dir/search_routes.c.o.d"
  "CMakeFiles/workerlib.dir/shutdown.c.o"
  "CMakeFiles/workerlib.dir/shutdown.c.o.d"
  "CMakeFiles/workerlib.dir/sse.c.o"
  "CMakeFiles/workerlib.dir/sse.c.o.d"
  "CMakeFiles/workerlib.dir/store.c.o"
  "CMakeFiles/workerlib.dir/store.c.o.d"
  "CMakeFiles/workerlib.dir/viewer.c.o"
  "CMakeFiles/workerlib.dir/viewer.c.o.d"
  "libworkerlib.a"
  "libworkerlib.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/workerlib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
