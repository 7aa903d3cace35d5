file(REMOVE_RECURSE
  "libsearchlib.a"
)
