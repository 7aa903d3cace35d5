file(REMOVE_RECURSE
  "CMakeFiles/test_csup_applog_drop.dir/unit/test_csup_applog_drop.c.o"
  "CMakeFiles/test_csup_applog_drop.dir/unit/test_csup_applog_drop.c.o.d"
  "test_csup_applog_drop"
  "test_csup_applog_drop.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_applog_drop.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
