file(REMOVE_RECURSE
  "CMakeFiles/csupmonit.dir/layout.c.o"
  "CMakeFiles/csupmonit.dir/layout.c.o.d"
  "CMakeFiles/csupmonit.dir/logtail.c.o"
  "CMakeFiles/csupmonit.dir/logtail.c.o.d"
  "CMakeFiles/csupmonit.dir/model.c.o"
  "CMakeFiles/csupmonit.dir/model.c.o.d"
  "CMakeFiles/csupmonit.dir/spark.c.o"
  "CMakeFiles/csupmonit.dir/spark.c.o.d"
  "libcsupmonit.a"
  "libcsupmonit.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/csupmonit.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
