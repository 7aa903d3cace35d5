file(REMOVE_RECURSE
  "CMakeFiles/test_search_rank.dir/unit/test_search_rank.c.o"
  "CMakeFiles/test_search_rank.dir/unit/test_search_rank.c.o.d"
  "test_search_rank"
  "test_search_rank.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_search_rank.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
