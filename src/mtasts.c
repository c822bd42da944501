/*
 * mtasts.c: the MTA-STS record and policy (RFC 8461), the TLS-RPT record
 * (RFC 8460), matching an MX host against the policy, and the check that
 * ties them to a fetch.  The HTTPS side is in mtasts_fetch.c.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/mtasts.h"
#include "smtpscope/tls.h"

#define WSP(c)	((c) == ' ' || (c) == '\t')

/* Copy [s, s + n) into a string, spaces around it trimmed. */
static void
sts_field(const char *s, size_t n, char *out, size_t outlen)
{
	while (n > 0 && WSP(*s)) {
		s++;
		n--;
	}
	while (n > 0 && WSP(s[n - 1]))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * Split a TXT record at ';' into trimmed fields; calls fn for each
 * non-empty one with its index.  Returns fn's first -1, else 0.  An empty
 * field is allowed only last (the ABNF's optional trailing ';').
 */
static int
sts_split(const char *txt, int (*fn)(void *, size_t, const char *, char *,
    size_t), void *arg, char *err, size_t errlen)
{
	const char	*p = txt, *semi;
	char		 field[512];
	size_t		 i = 0;

	for (;;) {
		semi = strchr(p, ';');
		sts_field(p, semi != NULL ? (size_t)(semi - p) : strlen(p),
		    field, sizeof field);
		if (*field == '\0') {
			if (semi == NULL || semi[1 + strspn(semi + 1,
			    " \t")] == '\0')
				return 0;
			snprintf(err, errlen, "an empty field (\";;\")");
			return -1;
		}
		if (fn(arg, i++, field, err, errlen) == -1)
			return -1;
		if (semi == NULL)
			return 0;
		p = semi + 1;
	}
}

static int
sts_record_field(void *arg, size_t i, const char *f, char *err, size_t errlen)
{
	struct mtasts_record	*r = arg;
	const char		*v;
	size_t			 n;

	if (i == 0) {
		if (strcmp(f, "v=STSv1") != 0) {
			snprintf(err, errlen, "the record must begin with "
			    "\"v=STSv1\", not \"%.40s\"", f);
			return -1;
		}
		return 0;
	}
	if ((v = strchr(f, '=')) == NULL || v == f) {
		snprintf(err, errlen, "\"%.40s\" is not name=value", f);
		return -1;
	}
	if (v - f == 2 && strncmp(f, "id", 2) == 0) {
		v++;
		n = strlen(v);
		if (*r->id != '\0') {
			snprintf(err, errlen, "id is given twice");
			return -1;
		}
		if (n == 0 || n > 32) {
			snprintf(err, errlen, "id must have 1 to 32 letters "
			    "and digits, not %zu characters", n);
			return -1;
		}
		if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789") != n) {
			snprintf(err, errlen, "id \"%.40s\" has a character "
			    "other than letters and digits", v);
			return -1;
		}
		memcpy(r->id, v, n + 1);
		return 0;
	}
	if (v - f == 1 && *f == 'v') {
		snprintf(err, errlen, "v= must come first, once");
		return -1;
	}
	return 0;	/* an extension: allowed and not ours */
}

int
mtasts_parse_record(const char *txt, struct mtasts_record *r, char *err,
    size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (sts_split(txt, sts_record_field, r, err, errlen) == -1)
		return -1;
	if (strncmp(txt, "v=STSv1", 7) != 0) {
		snprintf(err, errlen, "the record must begin with \"v=STSv1\"");
		return -1;
	}
	if (*r->id == '\0') {
		snprintf(err, errlen, "the record has no id= field");
		return -1;
	}
	return 0;
}

int
mtasts_pick_record(const char *const *txts, size_t n,
    struct mtasts_record *r, char *err, size_t errlen)
{
	size_t	i, found = 0, at = 0;

	for (i = 0; i < n; i++)
		if (strncmp(txts[i], "v=STSv1", 7) == 0 &&
		    (txts[i][7] == ';' || WSP(txts[i][7]) ||
		    txts[i][7] == '\0')) {
			if (found++ == 0)
				at = i;
		}
	if (found == 0) {
		snprintf(err, errlen, "no TXT record begins with \"v=STSv1\": "
		    "the domain has no MTA-STS policy");
		return -1;
	}
	if (found > 1) {
		snprintf(err, errlen, "%zu TXT records begin with \"v=STSv1\"; "
		    "RFC 8461 3.1 says that means no policy", found);
		return -1;
	}
	return mtasts_parse_record(txts[at], r, err, errlen);
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_ENFORCE:
		return "enforce";
	case MTASTS_TESTING:
		return "testing";
	case MTASTS_NONE:
		return "none";
	}
	return "?";
}

/* A host name pattern: optional "*." then letters, digits, '-' and '.'. */
static int
sts_pattern_ok(const char *p)
{
	size_t	n;

	if (strncmp(p, "*.", 2) == 0)
		p += 2;
	n = strlen(p);
	return n > 0 && n < 254 && strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n && *p != '.' &&
	    strstr(p, "..") == NULL && strchr(p, '*') == NULL;
}

/* One "key: value" line of a policy. */
static int
sts_policy_line(struct mtasts_policy *pol, const char *key, const char *val,
    unsigned int *seen, char *err, size_t errlen)
{
	char	*end;
	long	 age;
	size_t	 i;

	if (strcmp(key, "version") == 0) {
		if (*seen & 1)
			goto twice;
		*seen |= 1;
		if (strcmp(val, "STSv1") != 0) {
			snprintf(err, errlen, "version is \"%.40s\", not "
			    "STSv1", val);
			return -1;
		}
	} else if (strcmp(key, "mode") == 0) {
		if (*seen & 2)
			goto twice;
		*seen |= 2;
		if (strcmp(val, "enforce") == 0)
			pol->mode = MTASTS_ENFORCE;
		else if (strcmp(val, "testing") == 0)
			pol->mode = MTASTS_TESTING;
		else if (strcmp(val, "none") == 0)
			pol->mode = MTASTS_NONE;
		else {
			snprintf(err, errlen, "mode is \"%.40s\", not enforce, "
			    "testing or none", val);
			return -1;
		}
	} else if (strcmp(key, "max_age") == 0) {
		if (*seen & 4)
			goto twice;
		*seen |= 4;
		age = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || strlen(val) > 10 ||
		    strspn(val, "0123456789") != strlen(val) || age < 0 ||
		    age > MTASTS_MAX_AGE) {
			snprintf(err, errlen, "max_age \"%.40s\" is not a "
			    "number of seconds from 0 to %ld", val,
			    MTASTS_MAX_AGE);
			return -1;
		}
		pol->max_age = age;
	} else if (strcmp(key, "mx") == 0) {
		if (!sts_pattern_ok(val)) {
			snprintf(err, errlen, "mx \"%.60s\" is not a host name "
			    "or \"*.\" and one", val);
			return -1;
		}
		if (pol->nmx == MTASTS_MAX_MX) {
			snprintf(err, errlen, "more than %d mx lines",
			    MTASTS_MAX_MX);
			return -1;
		}
		for (i = 0; val[i] != '\0' && i < sizeof pol->mx[0] - 1; i++)
			pol->mx[pol->nmx][i] = (char)tolower(
			    (unsigned char)val[i]);
		/*
		 * "mx.example." is "mx.example" (the root's dot): the host
		 * matched loses its own, and a pattern kept with one would
		 * never match, without a word.
		 */
		if (i > 0 && pol->mx[pol->nmx][i - 1] == '.')
			i--;
		pol->mx[pol->nmx][i] = '\0';
		pol->nmx++;
	}
	/* RFC 8461 3.2: other keys are for later versions; skip them. */
	return 0;

twice:
	snprintf(err, errlen, "%s is given twice", key);
	return -1;
}

int
mtasts_parse_policy(const char *text, size_t len, struct mtasts_policy *pol,
    char *err, size_t errlen)
{
	const char	*p = text, *end = text + len, *nl, *colon;
	char		 key[64], val[300], why[200];
	unsigned int	 seen = 0, lineno = 0;
	size_t		 n;

	memset(pol, 0, sizeof *pol);
	pol->max_age = -1;
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "the policy has a NUL byte");
		return -1;
	}
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0) {
			colon = memchr(p, ':', n);
			if (colon == NULL || colon == p ||
			    (size_t)(colon - p) >= sizeof key) {
				snprintf(err, errlen, "line %u is not \"key: "
				    "value\"", lineno);
				return -1;
			}
			memcpy(key, p, (size_t)(colon - p));
			key[colon - p] = '\0';
			sts_field(colon + 1, n - (size_t)(colon - p) - 1, val,
			    sizeof val);
			if (sts_policy_line(pol, key, val, &seen, why,
			    sizeof why) == -1) {
				snprintf(err, errlen, "line %u: %s", lineno,
				    why);
				return -1;
			}
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (!(seen & 1)) {
		snprintf(err, errlen, "the policy has no version line");
		return -1;
	}
	if (!(seen & 2)) {
		snprintf(err, errlen, "the policy has no mode line");
		return -1;
	}
	if (!(seen & 4)) {
		snprintf(err, errlen, "the policy has no max_age line");
		return -1;
	}
	if (pol->nmx == 0 && pol->mode != MTASTS_NONE) {
		snprintf(err, errlen, "the policy (mode %s) has no mx line",
		    mtasts_mode_name(pol->mode));
		return -1;
	}
	return 0;
}

int
mtasts_pattern_match(const char *pattern, const char *host)
{
	char		 h[256];
	const char	*dot;
	size_t		 n;

	snprintf(h, sizeof h, "%s", host);
	n = strlen(h);
	if (n > 0 && h[n - 1] == '.')
		h[--n] = '\0';
	if (n == 0)
		return 0;
	if (strncmp(pattern, "*.", 2) == 0) {
		/* One label, no more (RFC 8461 4.1). */
		if ((dot = strchr(h, '.')) == NULL || dot == h)
			return 0;
		return strcasecmp(dot + 1, pattern + 2) == 0;
	}
	return strcasecmp(h, pattern) == 0;
}

int
mtasts_match_mx(const struct mtasts_policy *pol, const char *host)
{
	size_t	i;

	for (i = 0; i < pol->nmx; i++)
		if (mtasts_pattern_match(pol->mx[i], host))
			return (int)i;
	return -1;
}

static int
rpt_field(void *arg, size_t i, const char *f, char *err, size_t errlen)
{
	struct tlsrpt_record	*r = arg;
	const char		*p, *comma;
	char			 uri[256];
	size_t			 n;

	if (i == 0) {
		if (strcmp(f, "v=TLSRPTv1") != 0) {
			snprintf(err, errlen, "the record must begin with "
			    "\"v=TLSRPTv1\", not \"%.40s\"", f);
			return -1;
		}
		return 0;
	}
	if (strncmp(f, "rua=", 4) != 0)
		return 0;	/* an extension */
	if (r->nrua > 0) {
		snprintf(err, errlen, "rua is given twice");
		return -1;
	}
	for (p = f + 4;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof uri) {
			snprintf(err, errlen, "a rua URI is longer than %zu "
			    "characters", sizeof uri - 1);
			return -1;
		}
		sts_field(p, n, uri, sizeof uri);
		if (strncasecmp(uri, "mailto:", 7) != 0 &&
		    strncasecmp(uri, "https:", 6) != 0) {
			snprintf(err, errlen, "rua \"%.60s\" is neither a "
			    "mailto: nor an https: URI", uri);
			return -1;
		}
		if (uri[strncasecmp(uri, "mailto:", 7) == 0 ? 7 : 6] == '\0') {
			snprintf(err, errlen, "rua \"%s\" says nowhere", uri);
			return -1;
		}
		if (r->nrua == TLSRPT_MAX_RUA) {
			snprintf(err, errlen, "more than %d rua addresses",
			    TLSRPT_MAX_RUA);
			return -1;
		}
		snprintf(r->rua[r->nrua++], sizeof r->rua[0], "%s", uri);
		if (comma == NULL)
			break;
	}
	return 0;
}

int
tlsrpt_parse_record(const char *txt, struct tlsrpt_record *r, char *err,
    size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (strncmp(txt, "v=TLSRPTv1", 10) != 0) {
		snprintf(err, errlen, "the record must begin with "
		    "\"v=TLSRPTv1\"");
		return -1;
	}
	if (sts_split(txt, rpt_field, r, err, errlen) == -1)
		return -1;
	if (r->nrua == 0) {
		snprintf(err, errlen, "the record has no rua= field (where "
		    "reports go)");
		return -1;
	}
	return 0;
}

int
mtasts_check(const char *domain, const char *mx, const char *const *txts,
    size_t ntxts, const struct tls_params *tp, int timeout_ms,
    struct mtasts_result *res, char *err, size_t errlen)
{
	struct buf	body;
	int		rc = -1;

	memset(res, 0, sizeof *res);
	res->mx_match = -1;
	*err = '\0';
	if (txts != NULL) {
		/* RFC 8461 3.1: no valid record, no policy, no fetch. */
		res->have_record = 1;
		res->record_ok = mtasts_pick_record(txts, ntxts, &res->record,
		    res->record_err, sizeof res->record_err) == 0;
		if (!res->record_ok) {
			snprintf(err, errlen, "_mta-sts.%s: %s", domain,
			    res->record_err);
			return -1;
		}
	}
	buf_init(&body);
	if (mtasts_fetch(domain, tp, timeout_ms, &body, res->fetch_err,
	    sizeof res->fetch_err) == -1) {
		snprintf(err, errlen, "%s", res->fetch_err);
		goto out;
	}
	res->fetched = 1;
	res->policy_ok = mtasts_parse_policy(body.data != NULL ? body.data :
	    "", body.len, &res->policy, res->policy_err,
	    sizeof res->policy_err) == 0;
	if (!res->policy_ok) {
		snprintf(err, errlen, "the policy: %s", res->policy_err);
		goto out;
	}
	if (mx != NULL) {
		res->checked_mx = 1;
		snprintf(res->mx, sizeof res->mx, "%s", mx);
		res->mx_match = mtasts_match_mx(&res->policy, mx);
		if (res->mx_match == -1 && res->policy.mode != MTASTS_NONE) {
			snprintf(err, errlen, "%s matches no mx line of the "
			    "policy", mx);
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&body);
	return rc;
}

void
mtasts_result_lines(const char *domain, const struct mtasts_result *res,
    void (*line)(void *, const char *), void *arg)
{
	const struct mtasts_policy	*pol = &res->policy;
	char				 text[700];
	size_t				 i;

	if (!res->have_record)
		snprintf(text, sizeof text, "_mta-sts.%s TXT: not looked up",
		    domain);
	else if (res->record_ok)
		snprintf(text, sizeof text, "_mta-sts.%s TXT: v=STSv1, id %s",
		    domain, res->record.id);
	else
		snprintf(text, sizeof text, "_mta-sts.%s TXT: %s", domain,
		    res->record_err);
	line(arg, text);
	if (res->have_record && !res->record_ok)
		return;
	if (!res->fetched) {
		snprintf(text, sizeof text, "policy: %s", res->fetch_err);
		line(arg, text);
		return;
	}
	snprintf(text, sizeof text, "policy: fetched from https://mta-sts.%s"
	    "/.well-known/mta-sts.txt", domain);
	line(arg, text);
	if (!res->policy_ok) {
		snprintf(text, sizeof text, "policy: not valid: %s",
		    res->policy_err);
		line(arg, text);
		return;
	}
	snprintf(text, sizeof text, "mode %s, max_age %ld (%ld day%s)%s",
	    mtasts_mode_name(pol->mode), pol->max_age, pol->max_age / 86400,
	    pol->max_age / 86400 == 1 ? "" : "s",
	    pol->mode == MTASTS_ENFORCE ? ": mail goes only to a listed MX "
	    "over verified TLS" : pol->mode == MTASTS_TESTING ? ": failures "
	    "are reported (TLS-RPT), mail still goes" : ": no policy "
	    "applies");
	line(arg, text);
	for (i = 0; i < pol->nmx; i++) {
		snprintf(text, sizeof text, "mx: %s", pol->mx[i]);
		line(arg, text);
	}
	if (!res->checked_mx)
		return;
	if (res->mx_match >= 0)
		snprintf(text, sizeof text, "%s matches mx %s", res->mx,
		    pol->mx[res->mx_match]);
	else
		snprintf(text, sizeof text, "%s matches no mx line%s", res->mx,
		    pol->mode == MTASTS_ENFORCE ? ": a sender must not "
		    "deliver there" : pol->mode == MTASTS_TESTING ? ": a "
		    "sender delivers anyway and reports it" : "");
	line(arg, text);
}
