file(REMOVE_RECURSE
  "CMakeFiles/csupcommon.dir/clock.c.o"
  "CMakeFiles/csupcommon.dir/clock.c.o.d"
  "CMakeFiles/csupcommon.dir/env.c.o"
  "CMakeFiles/csupcommon.dir/env.c.o.d"
  "CMakeFiles/csupcommon.dir/log.c.o"
  "CMakeFiles/csupcommon.dir/log.c.o.d"
  "CMakeFiles/csupcommon.dir/netlocal.c.o"
  "CMakeFiles/csupcommon.dir/netlocal.c.o.d"
  "CMakeFiles/csupcommon.dir/units.c.o"
  "CMakeFiles/csupcommon.dir/units.c.o.d"
  "libcsupcommon.a"
  "libcsupcommon.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupcommon.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
