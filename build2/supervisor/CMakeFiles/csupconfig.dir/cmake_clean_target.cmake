file(REMOVE_RECURSE
  "libcsupconfig.a"
)
