/*
 * tls_ca.c: the intercept CA.  A key and a self-signed CA certificate kept
 * in two private files, and server certificates it issues on demand, one
 * per name a client asks for (SNI) or address it connected to, cached for
 * the life of the CA.  Leaf certificates share one key made at start:
 * issuing then costs one signature, not a key generation.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "smtpscope/statefile.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "src/tls_internal.h"

/* Names a CA issues for before it hands out the first one again. */
#define CA_MAX_LEAVES	256
/* A PEM file larger than this is not ours. */
#define CA_FILE_MAX	(64 * 1024)
#define CA_DAYS		3650
#define LEAF_DAYS	30

struct ca_leaf {
	char				 name[300];	/* "dns:x" or "ip:x" */
	gnutls_certificate_credentials_t cred;
};

struct tls_ca {
	gnutls_x509_crt_t	 crt;
	gnutls_x509_privkey_t	 key;
	gnutls_x509_privkey_t	 leaf_key;
	struct ca_leaf		*leaves;
	size_t			 nleaves;
	char			 fpr[160];
	char			*path;		/* the certificate's file */
};

/* Read a whole small file, never through a symbolic link. */
static int
ca_read(const char *path, gnutls_datum_t *out, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CA_FILE_MAX) {
		snprintf(err, errlen, "%s is not a PEM file of ours (not a "
		    "regular file, or over 64 KiB)", path);
		close(fd);
		return -1;
	}
	out->data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, out->data + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	out->data[off] = '\0';
	out->size = (unsigned int)off;
	return 0;
}

/* Write a new file (never replacing one), mode 0600. */
static int
ca_write(const char *path, const gnutls_datum_t *d, char *err,
    size_t errlen)
{
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (off < d->size) {
		n = write(fd, d->data + off, d->size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (close(fd) != 0 || off != d->size) {
		snprintf(err, errlen, "cannot write %s", path);
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/* A random positive serial number (RFC 5280 4.1.2.2). */
static int
ca_serial(gnutls_x509_crt_t crt)
{
	unsigned char	serial[16];
	int		ret;

	if ((ret = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
		return ret;
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	return gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
}

static int
ca_keygen(gnutls_x509_privkey_t *key)
{
	int	ret;

	if ((ret = gnutls_x509_privkey_init(key)) < 0) {
		*key = NULL;
		return ret;
	}
	return gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
}

/* Make a new CA and write it; 0 or -1 with err. */
static int
ca_make(struct tls_ca *ca, const char *cert_path, const char *key_path,
    char *err, size_t errlen)
{
	gnutls_datum_t	 pem = { NULL, 0 };
	unsigned char	 keyid[64];
	size_t		 keyidlen = sizeof keyid;
	time_t		 now = time(NULL);
	char		 host[128], cn[200];
	int		 ret;

	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(cn, sizeof cn, "smtpscope intercept CA (%s)", host);
	if ((ret = ca_keygen(&ca->key)) < 0 ||
	    (ret = gnutls_x509_crt_init(&ca->crt)) < 0)
		goto fail;
	if ((ret = gnutls_x509_crt_set_version(ca->crt, 3)) < 0 ||
	    (ret = ca_serial(ca->crt)) < 0 ||
	    (ret = gnutls_x509_crt_set_activation_time(ca->crt,
	    now - 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_expiration_time(ca->crt,
	    now + (time_t)CA_DAYS * 24 * 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_dn_by_oid(ca->crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn))) < 0 ||
	    (ret = gnutls_x509_crt_set_key(ca->crt, ca->key)) < 0 ||
	    (ret = gnutls_x509_crt_set_basic_constraints(ca->crt, 1, 0)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_usage(ca->crt,
	    GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) < 0)
		goto fail;
	if (gnutls_x509_crt_get_key_id(ca->crt, 0, keyid, &keyidlen) >= 0)
		(void)gnutls_x509_crt_set_subject_key_id(ca->crt, keyid,
		    keyidlen);
	if ((ret = gnutls_x509_crt_sign2(ca->crt, ca->crt, ca->key,
	    GNUTLS_DIG_SHA256, 0)) < 0)
		goto fail;

	if (statefile_mkdirs(key_path) == -1 || statefile_mkdirs(cert_path) == -1) {
		snprintf(err, errlen, "cannot make the directory for %s: %s",
		    cert_path, strerror(errno));
		return -1;
	}
	/* The key first: a certificate alone is never left behind. */
	if ((ret = gnutls_x509_privkey_export2(ca->key, GNUTLS_X509_FMT_PEM,
	    &pem)) < 0)
		goto fail;
	if (ca_write(key_path, &pem, err, errlen) == -1) {
		gnutls_free(pem.data);
		return -1;
	}
	gnutls_memset(pem.data, 0, pem.size);
	gnutls_free(pem.data);
	if ((ret = gnutls_x509_crt_export2(ca->crt, GNUTLS_X509_FMT_PEM,
	    &pem)) < 0)
		goto fail;
	if (ca_write(cert_path, &pem, err, errlen) == -1) {
		gnutls_free(pem.data);
		(void)unlink(key_path);
		return -1;
	}
	gnutls_free(pem.data);
	return 0;

fail:
	snprintf(err, errlen, "cannot make the intercept CA: %s",
	    gnutls_strerror(ret));
	return -1;
}

/* Load an existing CA; 0 or -1 with err naming the file at fault. */
static int
ca_load(struct tls_ca *ca, const char *cert_path, const char *key_path,
    char *err, size_t errlen)
{
	gnutls_datum_t	 d = { NULL, 0 };
	unsigned char	 id1[64], id2[64];
	size_t		 len1 = sizeof id1, len2 = sizeof id2;
	unsigned int	 critical = 0;
	int		 ret;

	if (ca_read(cert_path, &d, err, errlen) == -1)
		return -1;
	if ((ret = gnutls_x509_crt_init(&ca->crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(ca->crt, &d,
	    GNUTLS_X509_FMT_PEM)) < 0) {
		free(d.data);
		snprintf(err, errlen, "the intercept CA certificate %s is "
		    "broken: %s (move it and its key away to make a new CA)",
		    cert_path, gnutls_strerror(ret));
		return -1;
	}
	free(d.data);
	if (gnutls_x509_crt_get_basic_constraints(ca->crt, &critical, NULL,
	    NULL) != 1) {
		snprintf(err, errlen, "%s is not a CA certificate (move it and "
		    "its key away to make a new CA)", cert_path);
		return -1;
	}
	if (ca_read(key_path, &d, err, errlen) == -1)
		return -1;
	ret = gnutls_x509_privkey_init(&ca->key);
	if (ret >= 0)
		ret = gnutls_x509_privkey_import(ca->key, &d,
		    GNUTLS_X509_FMT_PEM);
	gnutls_memset(d.data, 0, d.size);
	free(d.data);
	if (ret < 0) {
		snprintf(err, errlen, "the intercept CA key %s is broken: %s "
		    "(move it and %s away to make a new CA)", key_path,
		    gnutls_strerror(ret), cert_path);
		return -1;
	}
	if (gnutls_x509_crt_get_key_id(ca->crt, 0, id1, &len1) < 0 ||
	    gnutls_x509_privkey_get_key_id(ca->key, 0, id2, &len2) < 0 ||
	    len1 != len2 || memcmp(id1, id2, len1) != 0) {
		snprintf(err, errlen, "the key %s does not belong to the "
		    "certificate %s", key_path, cert_path);
		return -1;
	}
	return 0;
}

struct tls_ca *
tls_ca_open(const char *cert_path, const char *key_path, int *created,
    char *err, size_t errlen)
{
	struct tls_ca	*ca;
	struct stat	 st;
	unsigned char	 fpr[32];
	size_t		 fprlen = sizeof fpr, i, off;
	char		*lock;
	int		 have_cert, have_key, ret, lockfd = -1;

	tls_global_init();
	*created = 0;
	ca = xcalloc(1, sizeof *ca);
	ca->path = xstrdup(cert_path);
	/*
	 * Two smtpscopes started at once on first use would both make a
	 * CA, and one would fail on the other's half-written files: the
	 * first makes it, the others wait and load it.  Without a lock
	 * (a read-only directory) the CA can only be loaded anyway.
	 */
	if (statefile_mkdirs(key_path) == 0) {
		lock = xprintf("%s.lock", key_path);
		lockfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0600);
		free(lock);
		if (lockfd != -1)
			while (flock(lockfd, LOCK_EX) == -1 && errno == EINTR)
				;
	}
	have_cert = lstat(cert_path, &st) == 0;
	have_key = lstat(key_path, &st) == 0;
	if (have_cert != have_key) {
		snprintf(err, errlen, "%s is there but %s is not: the intercept "
		    "CA is incomplete (move the one that is there away to make "
		    "a new CA)", have_cert ? cert_path : key_path,
		    have_cert ? key_path : cert_path);
		goto fail;
	}
	if (have_cert) {
		if (ca_load(ca, cert_path, key_path, err, errlen) == -1)
			goto fail;
	} else {
		if (ca_make(ca, cert_path, key_path, err, errlen) == -1)
			goto fail;
		*created = 1;
	}
	if ((ret = ca_keygen(&ca->leaf_key)) < 0) {
		snprintf(err, errlen, "cannot make a key: %s",
		    gnutls_strerror(ret));
		goto fail;
	}
	off = (size_t)snprintf(ca->fpr, sizeof ca->fpr, "SHA-256 ");
	if (gnutls_x509_crt_get_fingerprint(ca->crt, GNUTLS_DIG_SHA256, fpr,
	    &fprlen) >= 0)
		for (i = 0; i < fprlen && off + 4 < sizeof ca->fpr; i++)
			off += (size_t)snprintf(ca->fpr + off,
			    sizeof ca->fpr - off, "%s%02X", i ? ":" : "",
			    fpr[i]);
	if (lockfd != -1)
		close(lockfd);	/* and the lock with it */
	return ca;

fail:
	if (lockfd != -1)
		close(lockfd);
	tls_ca_free(ca);
	return NULL;
}

void
tls_ca_free(struct tls_ca *ca)
{
	size_t	i;

	if (ca == NULL)
		return;
	for (i = 0; i < ca->nleaves; i++)
		gnutls_certificate_free_credentials(ca->leaves[i].cred);
	free(ca->leaves);
	if (ca->crt != NULL)
		gnutls_x509_crt_deinit(ca->crt);
	if (ca->key != NULL)
		gnutls_x509_privkey_deinit(ca->key);
	if (ca->leaf_key != NULL)
		gnutls_x509_privkey_deinit(ca->leaf_key);
	free(ca->path);
	free(ca);
}

const char *
tls_ca_fingerprint(const struct tls_ca *ca)
{
	return ca->fpr;
}

const char *
tls_ca_path(const struct tls_ca *ca)
{
	return ca->path;
}

size_t
tls_ca_issued(const struct tls_ca *ca)
{
	return ca->nleaves;
}

/*
 * A host name as a client may send it in SNI (RFC 6066 3), lowercased
 * into out; 0 when it is not one (then the address is used instead).
 */
static int
ca_dns_name(const char *name, char *out, size_t outlen)
{
	size_t	i, len = strlen(name);

	if (len == 0 || len > 253 || len >= outlen || name[0] == '.' ||
	    name[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '.' && name[i] != '_')
			return 0;
		out[i] = (char)tolower((unsigned char)name[i]);
	}
	out[len] = '\0';
	return 1;
}

/* Issue a certificate for a DNS name or (ip non-NULL) an address. */
static gnutls_certificate_credentials_t
ca_issue(struct tls_ca *ca, const char *dns, const unsigned char *ip,
    size_t iplen, const char *cn, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_x509_crt_t	 crt = NULL;
	unsigned char		 keyid[64];
	size_t			 keyidlen = sizeof keyid;
	time_t			 now = time(NULL);
	int			 ret;

	if ((ret = gnutls_x509_crt_init(&crt)) < 0)
		goto fail;
	if ((ret = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (ret = ca_serial(crt)) < 0 ||
	    (ret = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_expiration_time(crt,
	    now + (time_t)LEAF_DAYS * 24 * 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn))) < 0 ||
	    (ret = gnutls_x509_crt_set_key(crt, ca->leaf_key)) < 0 ||
	    (ret = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_usage(crt,
	    GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_purpose_oid(crt,
	    GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
		goto fail;
	if (dns != NULL && (ret = gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_DNSNAME, dns, (unsigned int)strlen(dns),
	    GNUTLS_FSAN_APPEND)) < 0)
		goto fail;
	if (ip != NULL && (ret = gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_IPADDRESS, ip, (unsigned int)iplen,
	    GNUTLS_FSAN_APPEND)) < 0)
		goto fail;
	if (gnutls_x509_crt_get_key_id(crt, 0, keyid, &keyidlen) >= 0)
		(void)gnutls_x509_crt_set_subject_key_id(crt, keyid, keyidlen);
	keyidlen = sizeof keyid;
	if (gnutls_x509_crt_get_subject_key_id(ca->crt, keyid, &keyidlen,
	    NULL) >= 0)
		(void)gnutls_x509_crt_set_authority_key_id(crt, keyid,
		    keyidlen);
	if ((ret = gnutls_x509_crt_sign2(crt, ca->crt, ca->key,
	    GNUTLS_DIG_SHA256, 0)) < 0)
		goto fail;
	if ((ret = gnutls_certificate_allocate_credentials(&cred)) < 0) {
		cred = NULL;
		goto fail;
	}
	/* The chain: the leaf, then the CA (a client may want it sent). */
	{
		gnutls_x509_crt_t	chain[2];

		chain[0] = crt;
		chain[1] = ca->crt;
		if ((ret = gnutls_certificate_set_x509_key(cred, chain, 2,
		    ca->leaf_key)) < 0)
			goto fail;
	}
	gnutls_x509_crt_deinit(crt);
	return cred;

fail:
	snprintf(err, errlen, "cannot issue a certificate for %s: %s", cn,
	    gnutls_strerror(ret));
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	return NULL;
}

gnutls_certificate_credentials_t
tls_ca_cred(struct tls_ca *ca, const char *sni, int fd, char *err,
    size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	gnutls_certificate_credentials_t cred;
	unsigned char		 ip[16];
	char			 dns[256], key[300], text[64];
	const char		*dname = NULL;
	size_t			 iplen = 0, i;

	/* Some clients send an address as SNI (RFC 6066 3 forbids it). */
	if (sni != NULL && inet_pton(AF_INET, sni, ip) == 1) {
		iplen = 4;
		snprintf(text, sizeof text, "%s", sni);
		snprintf(key, sizeof key, "ip:%s", text);
	} else if (sni != NULL && inet_pton(AF_INET6, sni, ip) == 1) {
		iplen = 16;
		inet_ntop(AF_INET6, ip, text, sizeof text);
		snprintf(key, sizeof key, "ip:%s", text);
	} else if (sni != NULL && ca_dns_name(sni, dns, sizeof dns)) {
		dname = dns;
		snprintf(key, sizeof key, "dns:%s", dns);
	} else {
		/* No name: the address the client connected to. */
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
		    ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			memcpy(ip, &s6->sin6_addr, 16);
			iplen = 16;
			inet_ntop(AF_INET6, ip, text, sizeof text);
		} else if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			memcpy(ip, &s4->sin_addr, 4);
			iplen = 4;
			inet_ntop(AF_INET, ip, text, sizeof text);
		} else {
			memcpy(ip, "\177\0\0\1", 4);
			iplen = 4;
			snprintf(text, sizeof text, "127.0.0.1");
		}
		snprintf(key, sizeof key, "ip:%s", text);
	}
	for (i = 0; i < ca->nleaves; i++)
		if (strcmp(ca->leaves[i].name, key) == 0)
			return ca->leaves[i].cred;
	/* A client making up names cannot make us issue without end. */
	if (ca->nleaves >= CA_MAX_LEAVES)
		return ca->leaves[0].cred;
	cred = ca_issue(ca, dname, iplen > 0 ? ip : NULL, iplen,
	    dname != NULL ? dname : text, err, errlen);
	if (cred == NULL)
		return NULL;
	ca->leaves = xreallocarray(ca->leaves, ca->nleaves + 1,
	    sizeof *ca->leaves);
	snprintf(ca->leaves[ca->nleaves].name,
	    sizeof ca->leaves[ca->nleaves].name, "%s", key);
	ca->leaves[ca->nleaves++].cred = cred;
	return cred;
}
