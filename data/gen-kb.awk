# gen-kb.awk: turn the knowledge files in data/ (see data/README) into C
# tables.  Usage:
#   awk -f gen-kb.awk enhanced-codes.txt reply-texts.txt diagnoses.txt
# The kind of each file comes from its name.  A malformed stanza stops the
# build with "file:line: reason" on stderr.

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

# Add value v under key k of the stanza being read.
function put(k, v) {
	if (k in one && one[k] == 1 && (k in val))
		die("key \"" k "\" given twice")
	if (k in val)
		val[k] = val[k] "\001" v
	else {
		val[k] = v
		order[++nkeys] = k
	}
	last = k
}

function need(k) {
	if (!(k in val) || val[k] == "")
		die("missing \"" k ":\"")
}

function clear_stanza(	k) {
	for (k in val)
		delete val[k]
	nkeys = 0
	last = ""
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

# Words of a \001-separated list, one per array slot.
function words(list, out,	n, parts, i, m, w, j, k) {
	gsub(/\001/, " ", list)
	n = split(list, parts, /[ \t]+/)
	k = 0
	for (i = 1; i <= n; i++)
		if (parts[i] != "")
			out[++k] = parts[i]
	return k
}

function flush_enh() {
	need("code"); need("title"); need("ok"); need("fail"); need("ref")
	if (val["code"] !~ /^X\.[0-9]+(\.[0-9]+)?$/)
		die("code must look like X.7 or X.7.8")
	if (val["code"] in seen_enh)
		die("code " val["code"] " given twice")
	seen_enh[val["code"]] = 1
	enh_out[++nenh] = sprintf("\t{ %s, %s, %s, %s, %s },", \
	    cstr(val["code"]), cstr(val["title"]), cstr(val["ok"]), \
	    cstr(val["fail"]), cstr(val["ref"]))
}

function flush_text(	nm, nu, ncodes, codes, i, c, cs, ne, enhs, es) {
	if ("title" in val) {
		need("category"); need("cause"); need("try")
		if (val["category"] in cat_idx)
			die("category " val["category"] " defined twice")
		cs = ("class" in val) ? val["class"] : "4 5"
		ncodes = words(cs, codes)
		c = 0
		for (i = 1; i <= ncodes; i++) {
			if (codes[i] !~ /^[2345]$/)
				die("class must be 2, 3, 4 or 5")
			c += 2 ^ codes[i]
		}
		cat_idx[val["category"]] = ncat
		cat_out[ncat++] = sprintf("\t{ %s, %s, %s, %s, %d },", \
		    cstr(val["category"]), cstr(val["title"]), \
		    cstr(val["cause"]), cstr(val["try"]), c)
		return
	}
	need("category"); need("source")
	if (!("match" in val) && !("enh" in val))
		die("a pattern needs match: or enh:")
	pat_cat[npat] = val["category"]
	pat_line[npat] = FILENAME ":" st_line
	nm = strarray(("match" in val) ? val["match"] : "", "kb_m_" npat)
	nu = strarray(("unless" in val) ? val["unless"] : "", "kb_u_" npat)
	es = "NULL"
	if ("enh" in val) {
		ne = words(val["enh"], enhs)
		es = "kb_e_" npat
		c = "static const char *const " es "[] = { "
		for (i = 1; i <= ne; i++) {
			if (enhs[i] !~ /^[X245]\.[0-9]+\.[0-9]+$/)
				die("bad enhanced code " enhs[i])
			c = c cstr(enhs[i]) ", "
		}
		print c "NULL };"
	}
	cs = "{ 0 }"
	if ("codes" in val) {
		ncodes = words(val["codes"], codes)
		if (ncodes > 7)
			die("at most 7 codes")
		cs = "{ "
		for (i = 1; i <= ncodes; i++) {
			if (codes[i] ~ /^[2345]xx$/)
				cs = cs substr(codes[i], 1, 1) ", "
			else if (codes[i] ~ /^[2345][0-9][0-9]$/)
				cs = cs codes[i] ", "
			else
				die("bad code " codes[i] " (use 550 or 5xx)")
		}
		cs = cs "0 }"
	}
	pat_out[npat] = sprintf("%s, %s, %s, %s, %s, %s, %s", \
	    nm, nu, es, cs, cstr(val["source"]), \
	    ("cause" in val) ? cstr(val["cause"]) : "NULL", \
	    ("try" in val) ? cstr(val["try"]) : "NULL")
	npat++
}

# A diagnosis: "when:" conditions, all of which must hold, and its text.
function flush_diag(	n, w, i, t, k, v, cat, code, cls, verb, need_, deny, cs) {
	need("when"); need("say")
	n = words(val["when"], w)
	cat = "NULL"; code = 0; cls = 0; verb = "-1"; need_ = "0"; deny = "0"
	for (i = 1; i <= n; i++) {
		t = w[i]
		if (t ~ /^category=/) {
			cat = substr(t, 10)
			diag_cat[ndiag] = cat
			cat = cstr(cat)
		} else if (t ~ /^code=[2-5][0-9][0-9]$/)
			code = substr(t, 6) + 0
		else if (t ~ /^class=[2-5]$/)
			cls = substr(t, 7) + 0
		else if (t ~ /^verb=[A-Z]+$/)
			verb = (t == "verb=UNASKED") ? "KB_UNASKED" : "VERB_" substr(t, 6)
		else {
			v = t
			k = "need_"
			if (substr(v, 1, 1) == "!") {
				v = substr(v, 2)
				k = "deny"
			}
			if (!(v in flagname))
				die("unknown condition " t)
			if (k == "deny")
				deny = deny "|" flagname[v]
			else
				need_ = need_ "|" flagname[v]
		}
	}
	cs = strarray(("case" in val) ? val["case"] : "", "kb_dc_" ndiag)
	diag_out[ndiag++] = sprintf("\t{ %s, %d, %d, %s, %s, %s, %s, %s, %s },", \
	    cat, code, cls, verb, need_, deny, cstr(val["say"]), \
	    ("ref" in val) ? cstr(val["ref"]) : "NULL", cs)
}

function flush() {
	if (nkeys == 0)
		return
	if (kind == "enh")
		flush_enh()
	else if (kind == "text")
		flush_text()
	else
		flush_diag()
	clear_stanza()
}

BEGIN {
	print "/* Generated by data/gen-kb.awk from the files in data/: do not edit. */"
	print "#include \"config.h\""
	print ""
	print "#include <stddef.h>"
	print ""
	print "#include \"smtpscope/phase.h\""
	print ""
	print "#include \"src/kb_internal.h\""
	print ""
	split("tls auth ehlo mail rcpt b64answer offers-starttls " \
	    "offers-auth mech-not-offered greeted plaintext-auth", fl, " ")
	for (i in fl) {
		f = toupper(fl[i])
		gsub(/-/, "_", f)
		flagname[fl[i]] = "KB_CTX_" f
	}
	ncat = 0; npat = 0; ndiag = 0; nenh = 0
}

FNR == 1 {
	flush()
	if (FILENAME ~ /enhanced-codes/) {
		kind = "enh"
		split("code title ok fail ref", ks, " ")
	} else if (FILENAME ~ /reply-texts/) {
		kind = "text"
		split("category title cause try class match unless codes enh " \
		    "source", ks, " ")
	} else if (FILENAME ~ /diagnoses/) {
		kind = "diag"
		split("when say ref case", ks, " ")
	} else {
		print FILENAME ": not a knowledge file" > "/dev/stderr"
		failed = 1
		exit 1
	}
	for (k in allowed)
		delete allowed[k]
	for (k in ks)
		allowed[ks[k]] = 1
	split("code title ok fail ref category cause try class source say",
	    os, " ")
	for (k in os)
		one[os[k]] = 1
}

/\t/ {
	st_line = FNR
	die("tab in a knowledge file; use spaces")
}

/^#/ { next }

/^[ \t]*$/ {
	flush()
	next
}

/^[ \t]/ {
	if (last == "")
		die("continuation line with nothing to continue")
	n = split(val[last], parts, "\001")
	parts[n] = parts[n] " " trim($0)
	val[last] = parts[1]
	for (i = 2; i <= n; i++)
		val[last] = val[last] "\001" parts[i]
	next
}

{
	if (nkeys == 0)
		st_line = FNR
	p = index($0, ":")
	if (p == 0)
		die("expected \"key: value\"")
	k = substr($0, 1, p - 1)
	if (!(k in allowed))
		die("unknown key \"" k "\"")
	put(k, trim(substr($0, p + 1)))
}

END {
	if (failed)
		exit 1
	flush()
	if (failed)
		exit 1
	for (i = 0; i < npat; i++)
		if (!(pat_cat[i] in cat_idx)) {
			print pat_line[i] ": unknown category " pat_cat[i] \
			    > "/dev/stderr"
			exit 1
		}
	for (i = 0; i < ndiag; i++)
		if ((i in diag_cat) && !(diag_cat[i] in cat_idx)) {
			print "diagnoses.txt: unknown category " diag_cat[i] \
			    > "/dev/stderr"
			exit 1
		}
	print ""
	print "const struct kb_enh kb_enh_table[] = {"
	for (i = 1; i <= nenh; i++)
		print enh_out[i]
	print "\t{ NULL, NULL, NULL, NULL, NULL }"
	print "};"
	print ""
	print "const struct kb_cat kb_cat_table[] = {"
	for (i = 0; i < ncat; i++)
		print cat_out[i]
	print "\t{ NULL, NULL, NULL, NULL, 0 }"
	print "};"
	print ""
	print "const struct kb_text kb_text_table[] = {"
	for (i = 0; i < npat; i++)
		print "\t{ " cat_idx[pat_cat[i]] ", " pat_out[i] " },"
	print "\t{ -1, NULL, NULL, NULL, { 0 }, NULL, NULL, NULL }"
	print "};"
	print "const size_t kb_text_count = " npat ";"
	print ""
	print "const struct kb_diag kb_diag_table[] = {"
	for (i = 0; i < ndiag; i++)
		print diag_out[i]
	print "\t{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL }"
	print "};"
}
