file(REMOVE_RECURSE
  "CMakeFiles/test_csup_cgroup.dir/unit/test_csup_cgroup.c.o"
  "CMakeFiles/test_csup_cgroup.dir/unit/test_csup_cgroup.c.o.d"
  "test_csup_cgroup"
  "test_csup_cgroup.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_cgroup.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
