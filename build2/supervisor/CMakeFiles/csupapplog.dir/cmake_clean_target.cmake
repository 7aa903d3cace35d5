file(REMOVE_RECURSE
  "libcsupapplog.a"
)
