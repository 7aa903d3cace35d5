file(REMOVE_RECURSE
  "libcsupcommon.a"
)
