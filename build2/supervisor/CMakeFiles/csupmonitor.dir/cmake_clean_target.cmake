file(REMOVE_RECURSE
  "libcsupmonitor.a"
)
