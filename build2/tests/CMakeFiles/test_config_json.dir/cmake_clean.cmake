file(REMOVE_RECURSE
  "CMakeFiles/test_config_json.dir/unit/test_config_json.c.o"
  "CMakeFiles/test_config_json.dir/unit/test_config_json.c.o.d"
  "test_config_json"
  "test_config_json.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_json.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
