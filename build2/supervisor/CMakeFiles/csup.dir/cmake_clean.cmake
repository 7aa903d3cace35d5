file(REMOVE_RECURSE
  "../bin/csup"
  "../bin/csup.pdb"
  "CMakeFiles/csup.dir/cli/main.c.o"
  "CMakeFiles/csup.dir/cli/main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csup.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
