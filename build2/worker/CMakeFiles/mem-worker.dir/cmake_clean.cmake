file(REMOVE_RECURSE
  "../bin/mem-worker"
  "../bin/mem-worker.pdb"
  "CMakeFiles/mem-worker.dir/main.c.o"
  "CMakeFiles/mem-worker.dir/main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mem-worker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
