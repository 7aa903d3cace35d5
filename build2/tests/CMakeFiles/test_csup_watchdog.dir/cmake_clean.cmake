file(REMOVE_RECURSE
  "CMakeFiles/test_csup_watchdog.dir/unit/test_csup_watchdog.c.o"
  "CMakeFiles/test_csup_watchdog.dir/unit/test_csup_watchdog.c.o.d"
  "test_csup_watchdog"
  "test_csup_watchdog.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_watchdog.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
