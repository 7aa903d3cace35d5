file(REMOVE_RECURSE
  "CMakeFiles/test_csup_watch.dir/unit/test_csup_watch.c.o"
  "CMakeFiles/test_csup_watch.dir/unit/test_csup_watch.c.o.d"
  "test_csup_watch"
  "test_csup_watch.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_watch.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
