file(REMOVE_RECURSE
  "CMakeFiles/test_csup_proto.dir/unit/test_csup_proto.c.o"
  "CMakeFiles/test_csup_proto.dir/unit/test_csup_proto.c.o.d"
  "test_csup_proto"
  "test_csup_proto.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_csup_proto.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
