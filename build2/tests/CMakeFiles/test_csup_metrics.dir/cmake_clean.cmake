file(REMOVE_RECURSE
  "CMakeFiles/test_csup_metrics.dir/unit/test_csup_metrics.c.o"
  "CMakeFiles/test_csup_metrics.dir/unit/test_csup_metrics.c.o.d"
  "test_csup_metrics"
  "test_csup_metrics.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_metrics.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
