file(REMOVE_RECURSE
  "CMakeFiles/csupcli.dir/cli/check.c.o"
  "CMakeFiles/csupcli.dir/cli/check.c.o.d"
  "CMakeFiles/csupcli.dir/cli/cli.c.o"
  "CMakeFiles/csupcli.dir/cli/cli.c.o.d"
  "CMakeFiles/csupcli.dir/cli/cli_logs.c.o"
  "CMakeFiles/csupcli.dir/cli/cli_logs.c.o.d"
  "CMakeFiles/csupcli.dir/cli/cli_show.c.o"
  "CMakeFiles/csupcli.dir/cli/cli_show.c.o.d"
  "CMakeFiles/csupcli.dir/cli/client.c.o"
  "CMakeFiles/csupcli.dir/cli/client.c.o.d"
  "CMakeFiles/csupcli.dir/cli/systemd.c.o"
  "CMakeFiles/csupcli.dir/cli/systemd.c.o.d"
  "CMakeFiles/csupcli.dir/cli/systemd_export.c.o"
  "CMakeFiles/csupcli.dir/cli/systemd_export.c.o.d"
  "CMakeFiles/csupcli.dir/cli/systemd_startup.c.o"
  "CMakeFiles/csupcli.dir/cli/systemd_startup.c.o.d"
  "libcsupcli.a"
  "libcsupcli.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupcli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
