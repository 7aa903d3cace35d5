file(REMOVE_RECURSE
  "CMakeFiles/test_csup_kill.dir/unit/test_csup_kill.c.o"
  "CMakeFiles/test_csup_kill.dir/unit/test_csup_kill.c.o.d"
  "test_csup_kill"
  "test_csup_kill.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_kill.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
