file(REMOVE_RECURSE
  "CMakeFiles/test_common_units.dir/unit/test_common_units.c.o"
  "CMakeFiles/test_common_units.dir/unit/test_common_units.c.o.d"
  "test_common_units"
  "test_common_units.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_common_units.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
