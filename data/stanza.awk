# stanza.awk: the functions the knowledge generators share (gen-kb.awk,
# gen-lessons.awk): errors with file and line, C string literals, trimming,
# required keys, NULL-terminated string arrays, and reading continuation
# and "key: value" lines.  Used as
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

# A line that starts with a blank continues the value of the key above.
function continue_value(	n, parts, i) {
	if (last == "")
		die("continuation line with nothing to continue")
	n = split(val[last], parts, "\001")
	parts[n] = parts[n] " " trim($0)
	val[last] = parts[1]
	for (i = 2; i <= n; i++)
		val[last] = val[last] "\001" parts[i]
}

# A "key: value" line: the key must be allowed[]; put() stores it.
function key_value(	p, k) {
	p = index($0, ":")
	if (p == 0)
		die("expected \"key: value\"")
	k = substr($0, 1, p - 1)
	if (!(k in allowed))
		die("unknown key \"" k "\"")
	put(k, trim(substr($0, p + 1)))
}
