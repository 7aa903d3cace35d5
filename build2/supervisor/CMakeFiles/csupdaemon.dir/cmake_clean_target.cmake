file(REMOVE_RECURSE
  "libcsupdaemon.a"
)
