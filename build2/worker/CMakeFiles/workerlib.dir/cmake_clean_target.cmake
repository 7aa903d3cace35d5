file(REMOVE_RECURSE
  "libworkerlib.a"
)
