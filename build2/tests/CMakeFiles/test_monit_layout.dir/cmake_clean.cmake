file(REMOVE_RECURSE
  "CMakeFiles/test_monit_layout.dir/unit/test_monit_layout.c.o"
  "CMakeFiles/test_monit_layout.dir/unit/test_monit_layout.c.o.d"
  "test_monit_layout"
  "test_monit_layout.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_monit_layout.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
