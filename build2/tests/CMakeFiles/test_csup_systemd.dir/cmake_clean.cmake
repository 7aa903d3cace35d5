file(REMOVE_RECURSE
  "CMakeFiles/test_csup_systemd.dir/unit/test_csup_systemd.c.o"
  "CMakeFiles/test_csup_systemd.dir/unit/test_csup_systemd.c.o.d"
  "test_csup_systemd"
  "test_csup_systemd.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_systemd.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
