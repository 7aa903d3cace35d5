file(REMOVE_RECURSE
  "libcsupshared.a"
)
