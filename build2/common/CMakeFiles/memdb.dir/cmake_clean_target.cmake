file(REMOVE_RECURSE
  "libmemdb.a"
)
