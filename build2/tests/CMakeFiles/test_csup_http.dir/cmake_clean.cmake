file(REMOVE_RECURSE
  "CMakeFiles/test_csup_http.dir/unit/test_csup_http.c.o"
  "CMakeFiles/test_csup_http.dir/unit/test_csup_http.c.o.d"
  "test_csup_http"
  "test_csup_http.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_http.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
