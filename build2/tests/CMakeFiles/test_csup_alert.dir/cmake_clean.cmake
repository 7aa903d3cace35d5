file(REMOVE_RECURSE
  "CMakeFiles/test_csup_alert.dir/unit/test_csup_alert.c.o"
  "CMakeFiles/test_csup_alert.dir/unit/test_csup_alert.c.o.d"
  "test_csup_alert"
  "test_csup_alert.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_alert.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
