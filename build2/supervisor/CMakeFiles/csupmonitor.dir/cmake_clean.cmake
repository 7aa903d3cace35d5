file(REMOVE_RECURSE
  "CMakeFiles/csupmonitor.dir/monitor/alert.c.o"
  "CMakeFiles/csupmonitor.dir/monitor/alert.c.o.d"
  "CMakeFiles/csupmonitor.dir/monitor/dashboard.c.o"
  "CMakeFiles/csupmonitor.dir/monitor/dashboard.c.o.d"
  "CMakeFiles/csupmonitor.dir/monitor/http.c.o"
  "CMakeFiles/csupmonitor.dir/monitor/http.c.o.d"
  "CMakeFiles/csupmonitor.dir/monitor/metrics.c.o"
  "CMakeFiles/csupmonitor.dir/monitor/metrics.c.o.d"
  "CMakeFiles/csupmonitor.dir/monitor/watchdog.c.o"
  "CMakeFiles/csupmonitor.dir/monitor/watchdog.c.o.d"
  "libcsupmonitor.a"
  "libcsupmonitor.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupmonitor.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
