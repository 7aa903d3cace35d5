file(REMOVE_RECURSE
  "CMakeFiles/csupengine.dir/engine/cgroup.c.o"
  "CMakeFiles/csupengine.dir/engine/cgroup.c.o.d"
  "CMakeFiles/csupengine.dir/engine/kill.c.o"
  "CMakeFiles/csupengine.dir/engine/kill.c.o.d"
  "CMakeFiles/csupengine.dir/engine/lifecycle.c.o"
  "CMakeFiles/csupengine.dir/engine/lifecycle.c.o.d"
  "CMakeFiles/csupengine.dir/engine/proc.c.o"
  "CMakeFiles/csupengine.dir/engine/proc.c.o.d"
  "CMakeFiles/csupengine.dir/engine/sample.c.o"
  "CMakeFiles/csupengine.dir/engine/sample.c.o.d"
  "libcsupengine.a"
  "libcsupengine.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupengine.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
