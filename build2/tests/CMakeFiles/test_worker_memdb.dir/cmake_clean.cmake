file(REMOVE_RECURSE
  "CMakeFiles/test_worker_memdb.dir/unit/test_worker_memdb.c.o"
  "CMakeFiles/test_worker_memdb.dir/unit/test_worker_memdb.c.o.d"
  "test_worker_memdb"
  "test_worker_memdb.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_worker_memdb.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
