file(REMOVE_RECURSE
  "CMakeFiles/test_csup_sample.dir/unit/test_csup_sample.c.o"
  "CMakeFiles/test_csup_sample.dir/unit/test_csup_sample.c.o.d"
  "test_csup_sample"
  "test_csup_sample.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_sample.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
