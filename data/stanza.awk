# stanza.awk: the functions the knowledge generators share (gen-kb.awk,
# gen-lessons.awk): errors with file and line, C string literals, trimming,
# required keys and NULL-terminated string arrays.  Used as
#   awk -f stanza.awk -f gen-kb.awk FILES...

function die(msg) {
	printf "%s:%d: %s\n", FILENAME, st_line, msg > "/dev/stderr"
	failed = 1
	exit 1
}

function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function need(k) {
	if (!(k in val) || val[k] == "")
		die("missing \"" k ":\"")
}

# Emit a NULL-terminated array of strings from a \001-separated list and
# return its name, or "NULL" when the list is empty.
function strarray(list, name,	n, parts, i, s) {
	if (list == "")
		return "NULL"
	n = split(list, parts, "\001")
	s = "static const char *const " name "[] = { "
	for (i = 1; i <= n; i++)
		s = s cstr(trim(parts[i])) ", "
	print s "NULL };"
	return name
}
