file(REMOVE_RECURSE
  "CMakeFiles/csupapplog.dir/logger/applog_drop.c.o"
  "CMakeFiles/csupapplog.dir/logger/applog_drop.c.o.d"
  "CMakeFiles/csupapplog.dir/logger/applog_time.c.o"
  "CMakeFiles/csupapplog.dir/logger/applog_time.c.o.d"
  "libcsupapplog.a"
  "libcsupapplog.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupapplog.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
