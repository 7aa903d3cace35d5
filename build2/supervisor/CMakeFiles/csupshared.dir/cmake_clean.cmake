file(REMOVE_RECURSE
  "CMakeFiles/csupshared.dir/shared/paths.c.o"
  "CMakeFiles/csupshared.dir/shared/paths.c.o.d"
  "CMakeFiles/csupshared.dir/shared/proto.c.o"
  "CMakeFiles/csupshared.dir/shared/proto.c.o.d"
  "CMakeFiles/csupshared.dir/shared/resolve.c.o"
  "CMakeFiles/csupshared.dir/shared/resolve.c.o.d"
  "libcsupshared.a"
  "libcsupshared.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupshared.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
