file(REMOVE_RECURSE
  "CMakeFiles/test_csup_ready.dir/unit/test_csup_ready.c.o"
  "CMakeFiles/test_csup_ready.dir/unit/test_csup_ready.c.o.d"
  "test_csup_ready"
  "test_csup_ready.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_ready.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
