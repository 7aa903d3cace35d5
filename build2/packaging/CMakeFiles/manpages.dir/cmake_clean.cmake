file(REMOVE_RECURSE
  "CMakeFiles/manpages"
  "man/csup-ecosystem.5.gz"
  "man/csup.1.gz"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/manpages.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
