file(REMOVE_RECURSE
  "CMakeFiles/test_csup_proc.dir/unit/test_csup_proc.c.o"
  "CMakeFiles/test_csup_proc.dir/unit/test_csup_proc.c.o.d"
  "test_csup_proc"
  "test_csup_proc.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_proc.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
