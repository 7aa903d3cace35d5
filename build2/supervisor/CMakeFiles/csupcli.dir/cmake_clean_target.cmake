file(REMOVE_RECURSE
  "libcsupcli.a"
)
