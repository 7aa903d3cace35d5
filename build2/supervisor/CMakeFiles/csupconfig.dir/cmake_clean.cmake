file(REMOVE_RECURSE
  "CMakeFiles/csupconfig.dir/config/config.c.o"
  "CMakeFiles/csupconfig.dir/config/config.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_app.c.o"
  "CMakeFiles/csupconfig.dir/config/config_app.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_dotenv.c.o"
  "CMakeFiles/csupconfig.dir/config/config_dotenv.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_field.c.o"
  "CMakeFiles/csupconfig.dir/config/config_field.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_fields.c.o"
  "CMakeFiles/csupconfig.dir/config/config_fields.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_js.c.o"
  "CMakeFiles/csupconfig.dir/config/config_js.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_json.c.o"
  "CMakeFiles/csupconfig.dir/config/config_json.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_json5.c.o"
  "CMakeFiles/csupconfig.dir/config/config_json5.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_node.c.o"
  "CMakeFiles/csupconfig.dir/config/config_node.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_resolve.c.o"
  "CMakeFiles/csupconfig.dir/config/config_resolve.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_strv.c.o"
  "CMakeFiles/csupconfig.dir/config/config_strv.c.o.d"
  "CMakeFiles/csupconfig.dir/config/config_yaml.c.o"
  "CMakeFiles/csupconfig.dir/config/config_yaml.c.o.d"
  "CMakeFiles/csupconfig.dir/config/cron.c.o"
  "CMakeFiles/csupconfig.dir/config/cron.c.o.d"
  "libcsupconfig.a"
  "libcsupconfig.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupconfig.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
