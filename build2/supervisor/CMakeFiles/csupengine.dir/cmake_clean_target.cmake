file(REMOVE_RECURSE
  "libcsupengine.a"
)
