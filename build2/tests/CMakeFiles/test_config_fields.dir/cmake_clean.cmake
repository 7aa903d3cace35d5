file(REMOVE_RECURSE
  "CMakeFiles/test_config_fields.dir/unit/test_config_fields.c.o"
  "CMakeFiles/test_config_fields.dir/unit/test_config_fields.c.o.d"
  "test_config_fields"
  "test_config_fields.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_fields.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
