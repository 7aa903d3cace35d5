file(REMOVE_RECURSE
  "CMakeFiles/test_config_fixtures.dir/unit/test_config_fixtures.c.o"
  "CMakeFiles/test_config_fixtures.dir/unit/test_config_fixtures.c.o.d"
  "test_config_fixtures"
  "test_config_fixtures.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_fixtures.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
