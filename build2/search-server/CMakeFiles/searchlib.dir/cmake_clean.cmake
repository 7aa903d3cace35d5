file(REMOVE_RECURSE
  "CMakeFiles/searchlib.dir/args.c.o"
  "CMakeFiles/searchlib.dir/args.c.o.d"
  "CMakeFiles/searchlib.dir/format.c.o"
  "CMakeFiles/searchlib.dir/format.c.o.d"
  "CMakeFiles/searchlib.dir/httpd.c.o"
  "CMakeFiles/searchlib.dir/httpd.c.o.d"
  "CMakeFiles/searchlib.dir/mcp.c.o"
  "CMakeFiles/searchlib.dir/mcp.c.o.d"
  "CMakeFiles/searchlib.dir/query.c.o"
  "CMakeFiles/searchlib.dir/query.c.o.d"
  "CMakeFiles/searchlib.dir/rank.c.o"
  "CMakeFiles/searchlib.dir/rank.c.o.d"
  "CMakeFiles/searchlib.dir/rankindex.c.o"
  "CMakeFiles/searchlib.dir/rankindex.c.o.d"
  "CMakeFiles/searchlib.dir/sbuf.c.o"
  "CMakeFiles/searchlib.dir/sbuf.c.o.d"
  "CMakeFiles/searchlib.dir/stdio.c.o"
  "CMakeFiles/searchlib.dir/stdio.c.o.d"
  "CMakeFiles/searchlib.dir/timeline.c.o"
  "CMakeFiles/searchlib.dir/timeline.c.o.d"
  "CMakeFiles/searchlib.dir/tools.c.o"
  "CMakeFiles/searchlib.dir/tools.c.o.d"
  "libsearchlib.a"
  "libsearchlib.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/searchlib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
