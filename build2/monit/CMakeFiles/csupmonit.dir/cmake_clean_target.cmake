file(REMOVE_RECURSE
  "libcsupmonit.a"
)
