file(REMOVE_RECURSE
  "CMakeFiles/memdb.dir/memdb.c.o"
  "CMakeFiles/memdb.dir/memdb.c.o.d"
  "libmemdb.a"
  "libmemdb.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/memdb.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
