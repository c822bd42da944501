/*
 * mode_mtasts.c: --mta-sts DOMAIN [--mta-sts-mx HOST]: fetch and check the
 * domain's MTA-STS policy and say what it means, without any SMTP.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/mtasts.h"
#include "smtpscope/mx.h"
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

int
run_mta_sts(struct opts *o)
{
	struct mtasts_domain	*d;
	char			*domain, *mx = NULL, err[512], note[512];
	int			 rc;

	/* Lower case, no final dot, an IDN's A-label: the policy host. */
	domain = xstrdup(o->mta_sts);
	if (mx_domain_check(&domain, "--mta-sts", note, sizeof note, err,
	    sizeof err) == -1) {
		free(domain);
		return usage_error("%s", err);
	}
	if (*note != '\0')
		printf("%s\n", note);
	if (o->mta_sts_mx != NULL) {
		mx = xstrdup(o->mta_sts_mx);
		if (mx_domain_check(&mx, "--mta-sts-mx", note, sizeof note,
		    err, sizeof err) == -1) {
			free(domain);
			free(mx);
			return usage_error("%s", err);
		}
		if (*note != '\0')
			printf("%s\n", note);
	}
	tls_global_init();
	d = xcalloc(1, sizeof *d);
	rc = mtasts_domain_check(domain, mx, &o->sp.tls, o->sp.timeout_ms, -1,
	    d);
	printf("MTA-STS for %s\n", domain);
	mtasts_domain_lines(domain, d, mtasts_print, NULL);
	fflush(stdout);
	/*
	 * 0: a policy applies (and the MX matches); 1: no policy, or a bad
	 * or failing one; 3: it could not be had (DNS, HTTPS).
	 */
	if (rc == -1)
		rc = !d->sts_dns_ok || (d->sts.record_ok && !d->sts.fetched) ?
		    EXIT_CONNECT : 1;
	free(d);
	free(domain);
	free(mx);
	return rc;
}
