file(REMOVE_RECURSE
  "CMakeFiles/test_config_parse.dir/unit/test_config_parse.c.o"
  "CMakeFiles/test_config_parse.dir/unit/test_config_parse.c.o.d"
  "test_config_parse"
  "test_config_parse.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_parse.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
