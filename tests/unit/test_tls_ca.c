/*
 * test_tls_ca.c: the intercept CA.  Made once with private files, loaded
 * again unchanged, never overwritten; broken or half CAs are errors that
 * name the file.  Its server contexts issue a certificate for the SNI
 * name a client sends (or the address it reached), which a client that
 * trusts the CA verifies, for host names and addresses alike.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/conn.h"
#include "smtpscope/net.h"
#include "smtpscope/tls.h"

#include "t.h"

static char	dir[200], cert[256], key[256];

static int
mode_of(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static void
test_files(void)
{
	struct tls_ca	*ca;
	char		 err[512], fpr[160], sub[300];
	int		 created;
	FILE		*f;

	ca = tls_ca_open(cert, key, &created, err, sizeof err);
	OK(ca != NULL, "a new CA is made");
	EQ_INT(created, 1, "and says it was made");
	EQ_INT(mode_of(cert), 0600, "certificate 0600");
	EQ_INT(mode_of(key), 0600, "key 0600");
	snprintf(sub, sizeof sub, "%s/smtpscope", dir);
	EQ_INT(mode_of(sub), 0700, "directory 0700");
	snprintf(fpr, sizeof fpr, "%s", ca != NULL ?
	    tls_ca_fingerprint(ca) : "");
	OK(strncmp(fpr, "SHA-256 ", 8) == 0, "fingerprint in words");
	tls_ca_free(ca);

	ca = tls_ca_open(cert, key, &created, err, sizeof err);
	OK(ca != NULL, "the CA loads again");
	EQ_INT(created, 0, "not made again");
	EQ_STR(ca != NULL ? tls_ca_fingerprint(ca) : "", fpr,
	    "same certificate");
	tls_ca_free(ca);

	/* A key without its certificate: kept, and an error. */
	snprintf(sub, sizeof sub, "%s.bak", cert);
	rename(cert, sub);
	ca = tls_ca_open(cert, key, &created, err, sizeof err);
	OK(ca == NULL, "half a CA is an error");
	OK(strstr(err, "incomplete") != NULL && strstr(err, key) != NULL,
	    "which names the file there");
	OK(access(cert, F_OK) != 0, "and makes no new certificate");

	/* A broken certificate file: named, left alone. */
	if ((f = fopen(cert, "w")) != NULL) {
		fputs("not a certificate\n", f);
		fclose(f);
	}
	ca = tls_ca_open(cert, key, &created, err, sizeof err);
	OK(ca == NULL, "a broken CA is an error");
	OK(strstr(err, cert) != NULL && strstr(err, "broken") != NULL,
	    "which names the broken file");
	rename(sub, cert);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A handshake with a client that trusts only the CA and checks name (sent
 * as SNI when it is a host name); returns the client's result (0:
 * verified) and the subject it saw in cn.
 */
static int
handshake(struct tls_server_ctx *sctx, const char *name, char *cn,
    size_t cnlen)
{
	struct tls_params	 tp;
	struct tls_info		 ti;
	struct conn		*c = NULL, *s = NULL;
	struct pollfd		 pfd[2];
	enum net_err		 kind;
	char			 err[256], port[16];
	size_t			 dropped;
	double			 deadline;
	int			 lfd, cfd, sfd, rc = TLS_AGAIN, rs = TLS_AGAIN;

	if ((lfd = net_listen(NULL, "0", err, sizeof err)) == -1)
		return -2;
	snprintf(port, sizeof port, "%d", net_local_port(lfd));
	cfd = net_connect("127.0.0.1", port, AF_INET, 2000, &kind, err,
	    sizeof err);
	sfd = accept(lfd, NULL, NULL);
	close(lfd);
	if (cfd == -1 || sfd == -1)
		return -2;
	net_tune(sfd);
	memset(&tp, 0, sizeof tp);
	tp.ca_file = cert;
	tp.sni = name;
	c = conn_new(cfd);
	s = conn_new(sfd);
	if (conn_start_tls(c, &tp, NULL, &dropped, err, sizeof err) == -1 ||
	    conn_start_tls(s, NULL, sctx, &dropped, err, sizeof err) == -1)
		goto out;
	deadline = now() + 5;
	while (now() < deadline) {
		if (rc == TLS_AGAIN)
			rc = conn_handshake(c, err, sizeof err);
		if (rs == TLS_AGAIN)
			rs = conn_handshake(s, err, sizeof err);
		if (rc == -1 || (rc != TLS_AGAIN && rs != TLS_AGAIN))
			break;
		pfd[0].fd = conn_fd(c);
		pfd[0].events = rc == TLS_AGAIN ? conn_events(c) : 0;
		pfd[1].fd = conn_fd(s);
		pfd[1].events = rs == TLS_AGAIN ? conn_events(s) : 0;
		poll(pfd, 2, 100);
	}
	if (rc == -1)
		printf("# client: %s\n", err);
	if (rc == 0) {
		tls_get_info(conn_tls(c), &ti);
		snprintf(cn, cnlen, "%s", ti.subject);
	}
out:
	conn_free(c);
	conn_free(s);
	return rc;
}

static void
test_issue(void)
{
	struct tls_server_ctx	*sctx;
	struct tls_ca		*ca;
	char			 err[512], cn[256];
	int			 created;

	ca = tls_ca_open(cert, key, &created, err, sizeof err);
	if (ca == NULL) {
		printf("# %s\n", err);
		OK(0, "CA for issuing");
		return;
	}
	sctx = tls_server_ctx_ca(ca);
	EQ_INT(handshake(sctx, "mail.example.test", cn, sizeof cn), 0,
	    "a host name (SNI) verifies against the CA");
	OK(strstr(cn, "mail.example.test") != NULL, "issued for that name");
	EQ_INT(handshake(sctx, "MAIL.example.test", cn, sizeof cn), 0,
	    "the name in capitals too");
	EQ_INT(handshake(sctx, "127.0.0.1", cn, sizeof cn), 0,
	    "an address (no SNI) verifies against the CA");
	OK(strstr(cn, "127.0.0.1") != NULL, "issued for that address");
	EQ_INT(handshake(sctx, "other.example.test", cn, sizeof cn), 0,
	    "a second name");
	EQ_INT(tls_ca_issued(ca), 3, "one certificate per name, cached");
	tls_server_ctx_free(sctx);
	tls_ca_free(ca);
}

int
main(void)
{
	char	cmd[300];

	tls_global_init();
	snprintf(dir, sizeof dir, "%s/smtpscope-ca.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	snprintf(cert, sizeof cert, "%s/smtpscope/intercept-ca.pem", dir);
	snprintf(key, sizeof key, "%s/smtpscope/intercept-ca-key.pem", dir);
	test_files();
	test_issue();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	(void)!system(cmd);
	return t_done();
}
