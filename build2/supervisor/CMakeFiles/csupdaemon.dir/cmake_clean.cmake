file(REMOVE_RECURSE
  "CMakeFiles/csupdaemon.dir/daemon/app.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/app.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/cmd.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/cmd.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/ctl.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/ctl.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/daemon.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/daemon.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/figures.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/figures.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/guard.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/guard.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/monitor.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/monitor.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/orphan.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/orphan.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/probe.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/probe.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/readyz.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/readyz.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/run.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/run.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/spawn.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/spawn.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/stop.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/stop.c.o.d"
  "CMakeFiles/csupdaemon.dir/daemon/store.c.o"
  "CMakeFiles/csupdaemon.dir/daemon/store.c.o.d"
  "libcsupdaemon.a"
  "libcsupdaemon.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupdaemon.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
