file(REMOVE_RECURSE
  "CMakeFiles/test_csup_lifecycle.dir/unit/test_csup_lifecycle.c.o"
  "CMakeFiles/test_csup_lifecycle.dir/unit/test_csup_lifecycle.c.o.d"
  "test_csup_lifecycle"
  "test_csup_lifecycle.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_lifecycle.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
