# Writes OUTPUT = MANIFEST with "library" (file name) and "sha256" (of LIBRARY) set.
# Run by onewindow_add_plugin() after each build of a plugin.
file(READ "${MANIFEST}" text)
file(SHA256 "${LIBRARY}" hash)
get_filename_component(name "${LIBRARY}" NAME)
string(JSON text SET "${text}" library "\"${name}\"")
string(JSON text SET "${text}" sha256 "\"${hash}\"")
file(WRITE "${OUTPUT}.tmp" "${text}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
