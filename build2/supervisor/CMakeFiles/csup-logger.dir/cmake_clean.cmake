file(REMOVE_RECURSE
  "../bin/csup-logger"
  "../bin/csup-logger.pdb"
  "CMakeFiles/csup-logger.dir/logger/applog.c.o"
  "CMakeFiles/csup-logger.dir/logger/applog.c.o.d"
  "CMakeFiles/csup-logger.dir/logger/applog_mirror.c.o"
  "CMakeFiles/csup-logger.dir/logger/applog_mirror.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csup-logger.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
