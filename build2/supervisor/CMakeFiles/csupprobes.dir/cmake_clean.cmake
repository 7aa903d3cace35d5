file(REMOVE_RECURSE
  "CMakeFiles/csupprobes.dir/probes/health.c.o"
  "CMakeFiles/csupprobes.dir/probes/health.c.o.d"
  "CMakeFiles/csupprobes.dir/probes/ready.c.o"
  "CMakeFiles/csupprobes.dir/probes/ready.c.o.d"
  "CMakeFiles/csupprobes.dir/probes/watch.c.o"
  "CMakeFiles/csupprobes.dir/probes/watch.c.o.d"
  "CMakeFiles/csupprobes.dir/probes/watchglob.c.o"
  "CMakeFiles/csupprobes.dir/probes/watchglob.c.o.d"
  "libcsupprobes.a"
  "libcsupprobes.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupprobes.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
