/*
 * mode_mtasts.c: --mta-sts DOMAIN [--mta-sts-mx HOST]: fetch and check the
 * domain's MTA-STS policy and say what it means, without any SMTP.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/mtasts.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/script.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "src/main.h"

static void
mtasts_print(void *arg, const char *text)
{
	char	*safe = sanitize_dup(text, strlen(text));

	(void)arg;
	printf("%s\n", safe);
	free(safe);
}

/* A DNS name: letters, digits, '-' and dots, no empty label. */
static int
mtasts_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n < 240 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n && *s != '.' &&
	    *s != '-' && strstr(s, "..") == NULL;
}

int
run_mta_sts(struct opts *o)
{
	struct mtasts_domain	*d;
	int			 rc;

	if (!mtasts_name_ok(o->mta_sts))
		return usage_error("--mta-sts wants a domain name, not '%s'",
		    o->mta_sts);
	if (o->mta_sts_mx != NULL && !mtasts_name_ok(o->mta_sts_mx))
		return usage_error("--mta-sts-mx wants a host name, not '%s'",
		    o->mta_sts_mx);
	tls_global_init();
	d = xcalloc(1, sizeof *d);
	rc = mtasts_domain_check(o->mta_sts, o->mta_sts_mx, &o->sp.tls,
	    o->sp.timeout_ms, -1, d);
	printf("MTA-STS for %s\n", o->mta_sts);
	mtasts_domain_lines(o->mta_sts, d, mtasts_print, NULL);
	fflush(stdout);
	/*
	 * 0: a policy applies (and the MX matches); 1: no policy, or a bad
	 * or failing one; 3: it could not be had (DNS, HTTPS).
	 */
	if (rc == -1)
		rc = !d->sts_dns_ok || (d->sts.record_ok && !d->sts.fetched) ?
		    EXIT_CONNECT : 1;
	free(d);
	return rc;
}
