file(REMOVE_RECURSE
  "CMakeFiles/test_config_cron.dir/unit/test_config_cron.c.o"
  "CMakeFiles/test_config_cron.dir/unit/test_config_cron.c.o.d"
  "test_config_cron"
  "test_config_cron.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_cron.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
