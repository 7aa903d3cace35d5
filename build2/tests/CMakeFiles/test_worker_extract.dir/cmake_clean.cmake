file(REMOVE_RECURSE
  "CMakeFiles/test_worker_extract.dir/unit/test_worker_extract.c.o"
  "CMakeFiles/test_worker_extract.dir/unit/test_worker_extract.c.o.d"
  "test_worker_extract"
  "test_worker_extract.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_worker_extract.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
