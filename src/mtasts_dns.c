/*
 * mtasts_dns.c: a domain's MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) as
 * a whole: the TXT records of _mta-sts.DOMAIN and _smtp._tls.DOMAIN, both
 * asked for at once, then the policy fetched and checked when a record
 * says there is one.  Used by --mta-sts and by mx:// after the exchanger
 * is chosen.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/mtasts.h"
#include "smtpscope/resolve.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

/*
 * Wait for q and take its TXT records: 0 with them in *v (none: *n 0,
 * which is also what no such name means), -1 with err.
 */
static int
txt_answer(struct resolve_query *q, int timeout_ms, int abort_fd,
    const char ***v, size_t *n, char *err, size_t errlen)
{
	const struct resolve_txt	*txt;
	const char			*why;
	size_t				 i;

	*v = NULL;
	*n = 0;
	if (resolve_query_wait(q, timeout_ms, abort_fd) == -1) {
		snprintf(err, errlen, "no answer within %d s",
		    (timeout_ms + 999) / 1000);
		return -1;
	}
	switch (resolve_query_status(q, &why)) {
	case RESOLVE_OK:
		txt = resolve_query_txt(q, n);
		break;
	case RESOLVE_NODATA:
	case RESOLVE_NONAME:
		txt = NULL;
		break;
	default:
		snprintf(err, errlen, "%s", why != NULL ? why : "failed");
		return -1;
	}
	/* Not NULL even for none: mtasts_check() tells the two apart. */
	*v = xcalloc(*n + 1, sizeof **v);
	for (i = 0; i < *n; i++)
		(*v)[i] = txt[i].text;
	return 0;
}

/* RFC 8460 3: records not starting "v=TLSRPTv1" are not ours; one or none. */
static void
tlsrpt_pick(const char *const *v, size_t n, struct mtasts_domain *d)
{
	size_t	i, found = 0, at = 0;

	for (i = 0; i < n; i++)
		if (strncmp(v[i], "v=TLSRPTv1", 10) == 0) {
			found++;
			at = i;
		}
	if (found == 0) {
		d->rpt_state = TLSRPT_NONE;
		return;
	}
	if (found > 1) {
		d->rpt_state = TLSRPT_BAD;
		snprintf(d->rpt_err, sizeof d->rpt_err, "%zu records begin "
		    "with \"v=TLSRPTv1\"; RFC 8460 3 says that means none",
		    found);
		return;
	}
	d->rpt_state = tlsrpt_parse_record(v[at], &d->rpt, d->rpt_err,
	    sizeof d->rpt_err) == 0 ? TLSRPT_OK : TLSRPT_BAD;
}

/* RFC 8461 3.1: no TXT record starting "v=STSv1": no policy. */
static int
mtasts_no_record(const char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strncmp(v[i], "v=STSv1", 7) == 0)
			return 0;
	return 1;
}

int
mtasts_domain_check(const char *domain, const char *mx,
    const struct tls_params *tp, int timeout_ms, int abort_fd,
    struct mtasts_domain *d)
{
	struct resolve_query	*sq, *rq;
	const char		**sv = NULL, **rv = NULL;
	size_t			 sn = 0, rn = 0;
	char			 name[300], err[512];
	int			 rc = -1;

	memset(d, 0, sizeof *d);
	d->sts.mx_match = -1;
	d->sts_rc = -1;
	/*
	 * Not validated: MTA-STS trusts HTTPS, not DNSSEC (RFC 8461
	 * section 10), and a sender behind a resolver that strips DNSSEC
	 * sees these records all the same.
	 */
	snprintf(name, sizeof name, "_mta-sts.%s", domain);
	sq = resolve_query_start_unchecked(name, RESOLVE_TXT, d->sts_dns_err,
	    sizeof d->sts_dns_err);
	snprintf(name, sizeof name, "_smtp._tls.%s", domain);
	rq = resolve_query_start_unchecked(name, RESOLVE_TXT, d->rpt_err,
	    sizeof d->rpt_err);
	/* The second wait is mostly over by the time the first is. */
	if (sq != NULL)
		d->sts_dns_ok = txt_answer(sq, timeout_ms, abort_fd, &sv, &sn,
		    d->sts_dns_err, sizeof d->sts_dns_err) == 0;
	if (rq == NULL)
		d->rpt_state = TLSRPT_FAIL;
	else if (txt_answer(rq, timeout_ms, abort_fd, &rv, &rn, d->rpt_err,
	    sizeof d->rpt_err) == -1)
		d->rpt_state = TLSRPT_FAIL;
	else
		tlsrpt_pick(rv, rn, d);
	if (d->sts_dns_ok) {
		d->sts_rc = mtasts_check(domain, mx, sv, sn, tp, timeout_ms,
		    &d->sts, err, sizeof err);
		rc = d->sts_rc;
		/* No record of ours at all: not a failure, just no policy. */
		if (rc == -1 && !d->sts.record_ok && mtasts_no_record(sv, sn))
			rc = 1;
	}
	free(sv);
	free(rv);
	resolve_query_free(sq);
	resolve_query_free(rq);
	return rc;
}

void
tlsrpt_line(const char *domain, const struct mtasts_domain *d, char *out,
    size_t len)
{
	size_t	i, at;
	int	w;

	switch (d->rpt_state) {
	case TLSRPT_NONE:
		snprintf(out, len, "_smtp._tls.%s TXT: none: the domain asks "
		    "for no TLS reports (TLS-RPT)", domain);
		return;
	case TLSRPT_FAIL:
		snprintf(out, len, "_smtp._tls.%s TXT: cannot look up: %s",
		    domain, d->rpt_err);
		return;
	case TLSRPT_BAD:
		snprintf(out, len, "_smtp._tls.%s TXT: not valid: %s; no TLS "
		    "reports", domain, d->rpt_err);
		return;
	case TLSRPT_OK:
		break;
	}
	w = snprintf(out, len, "_smtp._tls.%s TXT: v=TLSRPTv1, TLS reports "
	    "go to", domain);
	at = w < 0 ? 0 : (size_t)w;
	for (i = 0; i < d->rpt.nrua && at < len; i++) {
		w = snprintf(out + at, len - at, "%s %s", i > 0 ? "," : "",
		    d->rpt.rua[i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

void
mtasts_domain_lines(const char *domain, const struct mtasts_domain *d,
    void (*line)(void *, const char *), void *arg)
{
	char	text[1024];

	if (!d->sts_dns_ok) {
		snprintf(text, sizeof text, "_mta-sts.%s TXT: cannot look up: "
		    "%s; no policy checked", domain, d->sts_dns_err);
		line(arg, text);
	} else
		mtasts_result_lines(domain, &d->sts, line, arg);
	tlsrpt_line(domain, d, text, sizeof text);
	line(arg, text);
}

void
mtasts_domain_summary(const struct mtasts_domain *d, char *out, size_t len)
{
	const struct mtasts_result	*r = &d->sts;

	if (!d->sts_dns_ok)
		snprintf(out, len, "TXT look-up failed");
	else if (!r->record_ok)
		snprintf(out, len, "no policy");
	else if (!r->fetched)
		snprintf(out, len, "policy not fetched");
	else if (!r->policy_ok)
		snprintf(out, len, "policy not valid");
	else if (!r->checked_mx || r->policy.mode == MTASTS_NONE)
		snprintf(out, len, "%s, max_age %ld",
		    mtasts_mode_name(r->policy.mode), r->policy.max_age);
	else
		snprintf(out, len, "%s, max_age %ld: %s %s",
		    mtasts_mode_name(r->policy.mode), r->policy.max_age,
		    r->mx, r->mx_match >= 0 ? "matches" : "matches no mx line");
}
