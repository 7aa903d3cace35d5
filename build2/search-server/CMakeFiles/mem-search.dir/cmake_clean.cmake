file(REMOVE_RECURSE
  "../bin/mem-search"
  "../bin/mem-search.pdb"
  "CMakeFiles/mem-search.dir/main.c.o"
  "CMakeFiles/mem-search.dir/main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mem-search.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
