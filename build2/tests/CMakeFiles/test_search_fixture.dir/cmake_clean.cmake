file(REMOVE_RECURSE
  "CMakeFiles/test_search_fixture.dir/unit/test_search_fixture.c.o"
  "CMakeFiles/test_search_fixture.dir/unit/test_search_fixture.c.o.d"
  "test_search_fixture"
  "test_search_fixture.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_search_fixture.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
