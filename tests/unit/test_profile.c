/* test_profile.c: reading [profile NAME] sections and password-command. */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/profile.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static char	path[256];

static void
write_file(const char *text, mode_t mode)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL)
		exit(99);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

/* Load name; returns the result, err in errbuf. */
static int
load(struct profile *p, const char *name, char *errbuf, size_t len)
{
	errbuf[0] = '\0';
	return profile_load(p, path, name, errbuf, len);
}

int
main(void)
{
	struct profile	 p;
	char		 err[1024], *pw;
	int		 fd;

	snprintf(path, sizeof path, "/tmp/smtpscope-profile.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return 99;
	close(fd);
	setenv("HOME", "/home/tester", 1);

	write_file("theme = light\n"
	    "# comment\n"
	    "[profile work]\n"
	    "url = submission://mail.example.com\n"
	    "user = alice\n"
	    "ca-file = ~/ca.pem\n"
	    "starttls\n"
	    "timeout = 12\n"
	    "family = ipv6\n"
	    "password-command = printf 's3cret\\nsecond line\\n'\n"
	    "\n"
	    "[profile other]\n"
	    "url = smtp://other.example\n"
	    "insecure = yes\n", 0600);
	EQ_INT(load(&p, "work", err, sizeof err), 0, "profile work loads");
	EQ_STR(p.url, "submission://mail.example.com", "url");
	EQ_STR(p.user, "alice", "user");
	EQ_STR(p.ca_file, "/home/tester/ca.pem", "~/ expanded");
	EQ_INT(p.starttls, 1, "bare starttls means yes");
	EQ_INT(p.timeout, 12, "timeout");
	EQ_INT(p.family, 6, "family");
	EQ_INT(p.insecure, 0, "other profile's insecure not taken");
	pw = profile_password(&p, err, sizeof err);
	EQ_STR(pw, "s3cret", "password: first line, no newline");
	free_secret(pw);
	profile_free(&p);

	EQ_INT(load(&p, "other", err, sizeof err), 0, "profile other loads");
	EQ_INT(p.insecure, 1, "insecure = yes");
	EQ_INT(p.starttls, -1, "starttls not given");
	profile_free(&p);

	EQ_INT(load(&p, "nope", err, sizeof err), -1, "unknown profile");
	OK(strstr(err, "no profile 'nope'") != NULL &&
	    strstr(err, "work other") != NULL, "names the known ones");
	profile_free(&p);

	/* Group-writable with a password-command: refused. */
	chmod(path, 0620);
	EQ_INT(load(&p, "work", err, sizeof err), -1,
	    "group-writable file with password-command refused");
	OK(strstr(err, "chmod go-w") != NULL, "says how to fix it");
	profile_free(&p);
	EQ_INT(load(&p, "other", err, sizeof err), 0,
	    "a profile without password-command still loads");
	profile_free(&p);

	write_file("[profile a]\nurl = smtp://x\ncolour = red\n", 0600);
	EQ_INT(load(&p, "a", err, sizeof err), -1, "unknown key");
	OK(strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, ":3: unknown key 'colour'") != NULL,
	    "unknown key: file and line");
	profile_free(&p);

	write_file("[profile a]\nurl = smtp://x\n[profile b]\ntimeout = "
	    "soon\n", 0600);
	EQ_INT(load(&p, "a", err, sizeof err), -1,
	    "a bad value in another profile is an error too");
	OK(strstr(err, ":4: timeout wants seconds") != NULL,
	    "bad value: file and line");
	profile_free(&p);

	write_file("[work]\n", 0600);
	EQ_INT(load(&p, "work", err, sizeof err), -1, "bare [name] refused");
	OK(strstr(err, ":1: unknown section") != NULL, "section named");
	profile_free(&p);

	write_file("[profile a]\n[profile a]\n", 0600);
	EQ_INT(load(&p, "a", err, sizeof err), -1, "duplicate profile");
	profile_free(&p);

	write_file("[profile a]\nuser = x\nuser = y\n", 0600);
	EQ_INT(load(&p, "a", err, sizeof err), -1, "a key given twice");
	profile_free(&p);

	write_file("[profile a]\npassword-command = exit 3\n", 0600);
	EQ_INT(load(&p, "a", err, sizeof err), 0, "failing command loads");
	pw = profile_password(&p, err, sizeof err);
	OK(pw == NULL && strstr(err, "exit status 3") != NULL,
	    "a failing password-command is an error");
	profile_free(&p);

	write_file("[profile a]\npassword-command = true\n", 0600);
	load(&p, "a", err, sizeof err);
	pw = profile_password(&p, err, sizeof err);
	OK(pw == NULL && strstr(err, "printed no password") != NULL,
	    "empty output is an error");
	profile_free(&p);

	write_file("[profile a]\npassword-command = read x; echo \"got$x\"\n",
	    0600);
	load(&p, "a", err, sizeof err);
	pw = profile_password(&p, err, sizeof err);
	EQ_STR(pw, "got", "stdin is /dev/null, not the terminal");
	free_secret(pw);
	profile_free(&p);

	unlink(path);
	EQ_INT(load(&p, "a", err, sizeof err), -1, "missing file");
	OK(strstr(err, "cannot read") != NULL, "missing file said");
	profile_free(&p);
	return t_done();
}
