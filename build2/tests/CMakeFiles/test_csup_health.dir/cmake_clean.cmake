file(REMOVE_RECURSE
  "CMakeFiles/test_csup_health.dir/unit/test_csup_health.c.o"
  "CMakeFiles/test_csup_health.dir/unit/test_csup_health.c.o.d"
  "test_csup_health"
  "test_csup_health.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_health.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
