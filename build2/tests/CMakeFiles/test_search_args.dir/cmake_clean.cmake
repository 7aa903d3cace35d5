file(REMOVE_RECURSE
  "CMakeFiles/test_search_args.dir/unit/test_search_args.c.o"
  "CMakeFiles/test_search_args.dir/unit/test_search_args.c.o.d"
  "test_search_args"
  "test_search_args.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_search_args.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
