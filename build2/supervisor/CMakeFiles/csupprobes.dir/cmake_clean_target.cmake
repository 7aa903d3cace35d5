file(REMOVE_RECURSE
  "libcsupprobes.a"
)
