file(REMOVE_RECURSE
  "../bin/csup-monit"
  "../bin/csup-monit.pdb"
  "CMakeFiles/csup-monit.dir/draw.c.o"
  "CMakeFiles/csup-monit.dir/draw.c.o.d"
  "CMakeFiles/csup-monit.dir/main.c.o"
  "CMakeFiles/csup-monit.dir/main.c.o.d"
  "CMakeFiles/csup-monit.dir/wire.c.o"
  "CMakeFiles/csup-monit.dir/wire.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csup-monit.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
