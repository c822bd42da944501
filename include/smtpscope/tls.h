/*
 * tls: the GnuTLS session object, client and server side.  Library types
 * stay inside src/tls.c.  All I/O is non-blocking: calls that cannot finish
 * return TLS_AGAIN and tls_want_write() tells which way to poll().
 */
#ifndef SMTPSCOPE_TLS_H
#define SMTPSCOPE_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct resolve_tlsa;

#define TLS_AGAIN	(-2)

struct tls;
struct tls_server_ctx;

struct tls_params {
	const char	*sni;		/* server name to send and check;
					   an address is checked, not sent;
					   NULL: no name check at all */
	const char	*ca_file;	/* trust these instead of the system */
	const char	*priority;	/* GnuTLS priority string */
	const char	*cert_file;	/* client certificate */
	const char	*key_file;
	int		 insecure;	/* do not fail on verification */
	/*
	 * DANE (dane.h): the TLSA records of a DNSSEC-secure answer, or
	 * none.  With dane set a failed match fails the handshake and a
	 * match stands in for the PKIX verification (RFC 7672 section 3).
	 */
	const struct resolve_tlsa *tlsa;
	size_t		 ntlsa;
	int		 dane;
};

/*
 * What a handshake gave us, for the transcript and the status bar.  On the
 * server side the certificate fields describe our own certificate and the
 * verdict says "server side (client not authenticated)".
 */
struct tls_info {
	char	 version[16];	/* "TLS1.3" */
	char	 cipher[96];	/* suite or kx-cipher-mac */
	char	 desc[160];	/* gnutls_session_get_desc() */
	char	 subject[256];
	char	 issuer[256];
	char	 not_before[32];/* "2026-11-25 18:00 UTC" */
	char	 not_after[32];
	char	 sha256[100];	/* AA:BB:... */
	char	 altnames[256];	/* DNS names, comma separated */
	int	 verified;	/* 1: chain and name good */
	/* "verified", "self-signed (not trusted)", "expired on DATE", ...;
	   several are joined with "; " */
	char	 verdict[256];
	/* DANE's word when there were TLSA records: which one matched, or
	   why none did; "" without records. */
	char	 dane[384];
	int	 dane_ok;	/* a usable record matched */
};

/* Check a GnuTLS priority string before any connection: 0, or -1 + err. */
int	 tls_priority_check(const char *, char *, size_t);
/* Global init/deinit (safe to call more than once). */
void	 tls_global_init(void);

/*
 * Start a client session on a connected fd.  Returns NULL with err set.
 * The handshake is driven by tls_handshake().
 */
struct tls *tls_client_new(int, const struct tls_params *, char *, size_t);
/*
 * Drive the handshake: 0 done (verification checked: if it failed and
 * not insecure, returns -1 with the verdict in err), TLS_AGAIN, or -1.
 */
int	 tls_handshake(struct tls *, char *, size_t);
/*
 * Bytes read (>0), 0 at close, TLS_AGAIN, or -1 (err via tls_error).  A
 * close without close_notify also returns 0 and leaves a note in
 * tls_error().
 */
ssize_t	 tls_read(struct tls *, void *, size_t);
/*
 * Bytes written (>0), TLS_AGAIN, or -1.  After TLS_AGAIN call again with
 * the same bytes at the front of the buffer (more may follow).
 */
ssize_t	 tls_write(struct tls *, const void *, size_t);
/* Decrypted bytes waiting inside GnuTLS (poll() will not see them). */
size_t	 tls_pending(struct tls *);
/* 1 when the last TLS_AGAIN was waiting to write. */
int	 tls_want_write(struct tls *);
const char *tls_error(struct tls *);
/*
 * 1 when the last failure was the connection's (reset, broken pipe, closed
 * mid-record), not TLS's own; tls_error() names it.
 */
int	 tls_lost(const struct tls *);
void	 tls_get_info(struct tls *, struct tls_info *);
/*
 * Channel binding data of an open session for SCRAM -PLUS (RFC 5929,
 * RFC 9266): TLS_CB_EXPORTER on TLS 1.3, TLS_CB_UNIQUE before it.  On
 * success *out is a malloc'd copy of *outlen octets and *name its name
 * ("tls-exporter"); -1 when the session cannot give that kind.
 */
enum tls_cb {
	TLS_CB_ANY,		/* the kind that fits the protocol version */
	TLS_CB_UNIQUE,
	TLS_CB_EXPORTER
};
int	 tls_channel_binding(struct tls *, enum tls_cb, unsigned char **,
	    size_t *, const char **);
/*
 * The common name of the certificate the peer showed (a client's, on the
 * server side), or -1 when it showed none.  The TLS handshake proved the
 * peer holds its key; nothing says a CA vouches for the name.
 */
int	 tls_peer_name(struct tls *, char *, size_t);
/* Send close_notify (best effort, never blocks) and free; NULL is fine. */
void	 tls_free(struct tls *);

/*
 * Server side (practice server): a credential from files, or (both NULL) a
 * fresh self-signed certificate for "localhost" made at start.
 */
struct tls_server_ctx *tls_server_ctx_new(const char *, const char *,
	    char *, size_t);
void	 tls_server_ctx_free(struct tls_server_ctx *);
struct tls *tls_server_new(struct tls_server_ctx *, int, char *, size_t);
/* Write the context's certificate (PEM) to a file, for --ca-file in tests. */
int	 tls_server_ctx_write_cert(struct tls_server_ctx *, const char *);

/*
 * The intercept CA: a local certificate authority that issues a server
 * certificate for whatever name a client asks for, so an application can
 * be pointed at the interceptor and verify it once it trusts the CA.
 * tls_ca_open() loads cert_path and key_path, or makes both when neither
 * exists (the key 0600, directories 0700; *created says so).  It never
 * overwrites: one file without the other, or a file that does not parse,
 * is an error naming the file.
 */
struct tls_ca;
struct tls_ca *tls_ca_open(const char *, const char *, int *, char *,
	    size_t);
void	 tls_ca_free(struct tls_ca *);
/* The CA's certificate as "SHA-256 AA:BB:..." and its subject. */
const char *tls_ca_fingerprint(const struct tls_ca *);
/* The CA certificate's file, for a client to trust. */
const char *tls_ca_path(const struct tls_ca *);
/* Certificates issued so far (one per name, kept for the CA's life). */
size_t	 tls_ca_issued(const struct tls_ca *);
/*
 * A server context whose certificate is issued by ca for the name in the
 * client's SNI or, without one, the address it connected to.  The CA
 * must outlive it.
 */
struct tls_server_ctx *tls_server_ctx_ca(struct tls_ca *);

#endif
