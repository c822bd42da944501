/*
 * kb_data.c: the knowledge base's tables.  The codes, keywords and
 * mechanisms are facts from the RFCs and IANA registries; the words are
 * ours, written for someone reading a session to find out what went wrong.
 */
#include "config.h"

#include <stddef.h>

#include "smtpscope/phase.h"

#include "kb_internal.h"

/* Basic reply codes: RFC 5321 4.2.3 plus later additions. */
const struct kb_reply kb_reply_table[] = {
	{ 211, "System status",
	  "The server answers a request for status or help with a status "
	  "line. Few servers use this code today.",
	  "Nothing to retry: this is an answer to a request.",
	  "Read the text; carry on with the session.",
	  "RFC 5321 4.2.3" },
	{ 214, "Help message",
	  "The answer to HELP: text meant for a person, often a list of "
	  "commands or a link to documentation.",
	  "Nothing to retry.",
	  "Use EHLO rather than HELP to see what the server really supports.",
	  "RFC 5321 4.2.3" },
	{ 220, "Service ready",
	  "As the first line of a session this is the greeting: the server "
	  "is ready and usually names itself. As the answer to STARTTLS it "
	  "means: start the TLS handshake now.",
	  "Nothing to retry.",
	  "After a greeting send EHLO with your own host name. After "
	  "STARTTLS, once TLS is up, send EHLO again: the server has "
	  "forgotten everything said before the handshake.",
	  "RFC 5321 4.2.3; RFC 3207 4" },
	{ 221, "Closing connection",
	  "The server says goodbye and will close the connection, usually "
	  "because you sent QUIT.",
	  "Nothing to retry. If you did not send QUIT, the server ended the "
	  "session on its own; read the text for why.",
	  "Reconnect if you have more to do. Send nothing more on this "
	  "connection.",
	  "RFC 5321 4.2.3; RFC 5321 4.1.1.10" },
	{ 235, "Authentication succeeded",
	  "AUTH worked: the server now knows who you are and will apply "
	  "that account's rights (for example, relaying to other domains).",
	  "Nothing to retry.",
	  "Start a transaction: MAIL FROM:<you@example.org>.",
	  "RFC 4954 6" },
	{ 250, "OK",
	  "The command worked. After EHLO the lines that follow list the "
	  "extensions offered; after the final dot of DATA the server has "
	  "taken responsibility for the message, and the text often carries "
	  "a queue id worth noting for a ticket.",
	  "Nothing to retry.",
	  "Go on with the next step of the session.",
	  "RFC 5321 4.2.3" },
	{ 251, "User not local; will forward",
	  "The recipient is accepted, but the server will pass the message "
	  "on to another address or host.",
	  "Nothing to retry.",
	  "Carry on; if forwarding surprises you, use the address given in "
	  "the text directly.",
	  "RFC 5321 4.2.3; RFC 5321 3.4" },
	{ 252, "Will try delivery (not verified)",
	  "VRFY was not answered (servers hide which users exist, to stop "
	  "address harvesting) but a message to that address would be "
	  "accepted and tried.",
	  "Nothing to retry: the answer will not change.",
	  "To test an address, send MAIL FROM and RCPT TO instead and look "
	  "at the RCPT reply; then RSET or QUIT without DATA.",
	  "RFC 5321 4.2.3; RFC 5321 7.3" },
	{ 334, "Server challenge",
	  "The AUTH exchange goes on: the text after 334 is base64 (possibly "
	  "empty) that the server wants you to answer with one base64 line.",
	  "Not a failure.",
	  "Answer with one base64-encoded line, or send a single \"*\" to "
	  "cancel the exchange.",
	  "RFC 4954 4" },
	{ 354, "Start mail input",
	  "The server is ready for the message: header lines, an empty line, "
	  "the body, then a line holding only a dot.",
	  "Not a failure.",
	  "Send the message. Lines starting with a dot get an extra dot "
	  "(dot-stuffing); end with CRLF.CRLF.",
	  "RFC 5321 4.2.3; RFC 5321 4.1.1.4" },
	{ 421, "Service not available, closing",
	  "The server is closing the connection now: it is shutting down, "
	  "overloaded, rate-limiting you, or timed you out. Any open "
	  "transaction is lost.",
	  "Yes, later: this is temporary. A mail server would queue the "
	  "message and retry over hours.",
	  "Reconnect after a pause. If it repeats at once, read the text: "
	  "rate limits and reputation blocks often use 421.",
	  "RFC 5321 4.2.3; RFC 5321 3.8" },
	{ 432, "Password transition needed",
	  "The account exists but its password must be changed (or moved to "
	  "a new scheme) before this mechanism can be used.",
	  "Only after the password has been changed.",
	  "Log in some other way (webmail, another mechanism) to reset the "
	  "password, then try AUTH again.",
	  "RFC 4954 6" },
	{ 450, "Mailbox temporarily unavailable",
	  "The action was not taken for now: the mailbox is busy or locked, "
	  "or a policy (greylisting, a temporary block) asks you to wait.",
	  "Yes, later: retry in a few minutes; greylisting lets the second "
	  "attempt through.",
	  "Wait and retry from the same IP address. If it never passes, read "
	  "the text for the policy involved.",
	  "RFC 5321 4.2.3" },
	{ 451, "Local error in processing",
	  "The server hit a problem on its side (a lookup failed, a filter "
	  "was unavailable, a disk was busy) and aborted the action. "
	  "Greylisting also often uses 451.",
	  "Yes, later: the problem is expected to clear.",
	  "Retry after some minutes. If it persists, the text usually names "
	  "the failing part; tell the server's administrator.",
	  "RFC 5321 4.2.3" },
	{ 452, "Insufficient storage / too many recipients",
	  "The server is short of space for now, or (after RCPT) you gave "
	  "more recipients than it takes in one transaction.",
	  "Yes: for storage, later; for too many recipients, at once, with "
	  "the rest in a new transaction.",
	  "If it came after several RCPTs, send the message to the accepted "
	  "ones and the remaining recipients in a second transaction.",
	  "RFC 5321 4.2.3; RFC 5321 4.5.3.1.10" },
	{ 454, "Temporary authentication or TLS failure",
	  "After AUTH: the server could not check your credentials right now "
	  "(its password backend is down). After STARTTLS: TLS is not "
	  "available at the moment.",
	  "Yes, later.",
	  "Retry after a pause. After STARTTLS, you may go on without TLS, "
	  "but do not send a password in plaintext.",
	  "RFC 4954 6; RFC 3207 4" },
	{ 455, "Cannot accommodate parameters",
	  "The server understood the MAIL or RCPT parameters but cannot "
	  "honour them right now.",
	  "Yes, later, or at once without the parameter.",
	  "Retry later, or drop the optional parameter (SIZE, RET, NOTIFY, "
	  "...) that it cannot handle.",
	  "RFC 5321 4.2.3" },
	{ 500, "Command not recognised",
	  "The server did not understand the line: a typo, a command it does "
	  "not know, or a line too long (RFC 4954 uses 500 for an AUTH line "
	  "over its limit).",
	  "Not as sent: the same line fails again.",
	  "Check the spelling and syntax; HELP or EHLO shows what the server "
	  "knows. Lines must end with CRLF.",
	  "RFC 5321 4.2.3; RFC 4954 4" },
	{ 501, "Syntax error in arguments",
	  "The command is known but its arguments are wrong: a missing colon "
	  "or angle brackets, a bad address, a malformed base64 answer.",
	  "Not as sent.",
	  "Fix the arguments. Addresses go in angle brackets with no space "
	  "after the colon: MAIL FROM:<a@example.org>.",
	  "RFC 5321 4.2.3; RFC 5321 4.1.2" },
	{ 502, "Command not implemented",
	  "The server knows the command exists but does not support it, or "
	  "has it switched off (VRFY and EXPN often are).",
	  "No.",
	  "Check the EHLO list for what is supported; do without the "
	  "command.",
	  "RFC 5321 4.2.3" },
	{ 503, "Bad sequence of commands",
	  "The command came at the wrong moment: MAIL before EHLO, RCPT "
	  "before MAIL, DATA before any recipient was accepted, AUTH twice, "
	  "or MAIL while a transaction is open.",
	  "Only after the missing step.",
	  "Do the steps in order: EHLO, (STARTTLS, EHLO), (AUTH), MAIL, "
	  "RCPT..., DATA. RSET starts a transaction over.",
	  "RFC 5321 4.2.3; RFC 5321 4.1.4" },
	{ 504, "Parameter not implemented",
	  "The command is supported but not with that parameter, for example "
	  "an AUTH mechanism the server does not offer.",
	  "Not with that parameter.",
	  "Pick a parameter or mechanism the EHLO reply lists.",
	  "RFC 5321 4.2.3; RFC 4954 4" },
	{ 521, "Host does not accept mail",
	  "This host never accepts mail (a null-MX style answer given at "
	  "connection time).",
	  "No.",
	  "Check the MX records of the domain; you reached a host that is "
	  "not meant to receive mail.",
	  "RFC 7504" },
	{ 523, "Encryption needed",
	  "The server requires an encrypted channel for this.",
	  "Not without encryption.",
	  "Reconnect, send STARTTLS (or use smtps:// on port 465) and try "
	  "again over TLS.",
	  "RFC 5248" },
	{ 525, "User account disabled",
	  "The account exists but has been disabled or locked.",
	  "No, until an administrator enables it.",
	  "Ask the mail provider why the account is locked.",
	  "RFC 5248" },
	{ 530, "Authentication required",
	  "The server will not do this until you authenticate; some servers "
	  "also use 530 to say STARTTLS must come first.",
	  "Only after AUTH (or STARTTLS).",
	  "Send STARTTLS if offered, EHLO again, then AUTH with a mechanism "
	  "from the EHLO list, then retry the command.",
	  "RFC 4954 6; RFC 3207 4" },
	{ 534, "Mechanism too weak",
	  "The server refuses this AUTH mechanism for this account as too "
	  "weak; it wants a stronger one (or, at Gmail, an app password or "
	  "OAuth).",
	  "Not with this mechanism.",
	  "Choose a stronger mechanism from the EHLO list, or follow the "
	  "provider's instructions in the text.",
	  "RFC 4954 6" },
	{ 535, "Authentication credentials invalid",
	  "The user name or password (or token) was not accepted. The server "
	  "does not say which part was wrong, on purpose.",
	  "Not with the same credentials; repeated failures may get your IP "
	  "blocked.",
	  "Check the user name (often the full address), the password, and "
	  "for providers with two-factor login, use an app password or "
	  "OAuth token.",
	  "RFC 4954 6" },
	{ 538, "Encryption required for mechanism",
	  "This AUTH mechanism is only allowed over an encrypted connection.",
	  "Not without TLS.",
	  "Send STARTTLS first (or use smtps://), EHLO again, then AUTH.",
	  "RFC 4954 6" },
	{ 550, "Mailbox unavailable / rejected",
	  "The action was refused for good: the mailbox does not exist, you "
	  "may not use it, or a policy (spam filter, block list, relay rule, "
	  "SPF/DMARC) rejected you. The text and enhanced code tell which.",
	  "No, not unchanged.",
	  "Read the enhanced code and text: fix the address, authenticate "
	  "before relaying, or fix the sending domain's DNS records.",
	  "RFC 5321 4.2.3" },
	{ 551, "User not local",
	  "The recipient is not handled here; the text may give the address "
	  "to use instead.",
	  "Not to this address at this server.",
	  "Send to the address given in the text, or look up the domain's "
	  "MX again.",
	  "RFC 5321 4.2.3; RFC 5321 3.4" },
	{ 552, "Exceeded storage allocation",
	  "The message is too big for the mailbox or the server, or the "
	  "mailbox is over its quota. Older servers also used 552 for too "
	  "many recipients.",
	  "Not unchanged; a full mailbox may clear later.",
	  "Send a smaller message (compare with the SIZE in EHLO) or tell "
	  "the recipient their mailbox is full.",
	  "RFC 5321 4.2.3; RFC 1870" },
	{ 553, "Mailbox name not allowed",
	  "The address is not acceptable: bad syntax, or (often for MAIL "
	  "FROM) a sender you are not allowed to use.",
	  "Not unchanged.",
	  "Check the address syntax; on submission servers, send from the "
	  "address of the account you logged in as.",
	  "RFC 5321 4.2.3" },
	{ 554, "Transaction failed",
	  "A permanent failure without a more specific code: after the final "
	  "dot it means the content was refused; as a greeting it means this "
	  "server will not talk SMTP to you at all.",
	  "No, not unchanged.",
	  "Read the text and enhanced code: block lists, content filters and "
	  "policy rejections commonly show up as 554.",
	  "RFC 5321 4.2.3; RFC 5321 3.1" },
	{ 555, "Parameters not recognised",
	  "A MAIL FROM or RCPT TO parameter (SIZE=, BODY=, NOTIFY=, ...) is "
	  "unknown to the server or not supported.",
	  "Not with that parameter.",
	  "Only use parameters for extensions the EHLO reply lists; drop the "
	  "one named in the text.",
	  "RFC 5321 4.2.3" },
	{ 556, "Domain does not accept mail",
	  "The recipient's domain publishes that it takes no mail (a null "
	  "MX), so the message cannot be delivered.",
	  "No.",
	  "Check the recipient address for typos; the domain itself says it "
	  "receives no mail.",
	  "RFC 7504; RFC 7505" },
	{ 0, NULL, NULL, NULL, NULL, NULL }
};


/* EHLO keywords: the IANA SMTP Service Extensions registry and a few more. */
const struct kb_keyword kb_keyword_table[] = {
	{ "SEND", "Send to terminal (historic)",
	  "An old command that delivered to a logged-in user's screen. No "
	  "longer used; no parameters.",
	  "RFC 5321 F.6; RFC 821" },
	{ "SOML", "Send or mail (historic)",
	  "An old command: show on the user's terminal if logged in, else "
	  "put in the mailbox. No longer used.",
	  "RFC 5321 F.6; RFC 821" },
	{ "SAML", "Send and mail (historic)",
	  "An old command: both show on the terminal and put in the mailbox. "
	  "No longer used.",
	  "RFC 5321 F.6; RFC 821" },
	{ "VRFY", "Verify an address",
	  "VRFY user asks whether an address exists. Many servers answer 252 "
	  "whatever you ask, to avoid leaking their user list.",
	  "RFC 5321 4.1.1.6; RFC 5321 7.3" },
	{ "EXPN", "Expand a mailing list",
	  "EXPN list asks for a list's members. Usually disabled for "
	  "privacy.",
	  "RFC 5321 4.1.1.7; RFC 5321 7.3" },
	{ "HELP", "Help text",
	  "HELP [topic] returns text for a person (214).",
	  "RFC 5321 4.1.1.8" },
	{ "TURN", "Reverse roles (historic)",
	  "Let the client and server swap roles on the same connection. "
	  "Unsafe without authentication and no longer used; see ETRN.",
	  "RFC 5321 F.1; RFC 821" },
	{ "8BITMIME", "8-bit message bodies",
	  "The server accepts bodies with bytes above 127 (UTF-8 text, "
	  "Latin-1) when MAIL FROM carries BODY=8BITMIME. Without it, send "
	  "7-bit data only (use quoted-printable or base64).",
	  "RFC 6152" },
	{ "SIZE", "Message size limit",
	  "The server's largest message in octets (0 or no number: no fixed "
	  "limit announced). You may declare your message's size with "
	  "MAIL FROM:<...> SIZE=n so an oversized message is refused before "
	  "you send it.",
	  "RFC 1870" },
	{ "VERB", "Verbose mode (Sendmail)",
	  "A Sendmail command that makes the server report delivery progress "
	  "in detail. Not standard.",
	  "Sendmail documentation" },
	{ "ONEX", "One transaction only (Sendmail)",
	  "A Sendmail command that promises only one message on this "
	  "connection. Not standard.",
	  "Sendmail documentation" },
	{ "CHUNKING", "BDAT command",
	  "The message may be sent with BDAT n [LAST] in chunks of exact "
	  "size instead of DATA, so no dot-stuffing and no end-of-data dot "
	  "are needed.",
	  "RFC 3030" },
	{ "BINARYMIME", "Binary message bodies",
	  "Bodies may hold any bytes, including NUL and bare CR/LF, with "
	  "MAIL FROM ... BODY=BINARYMIME; requires sending with BDAT "
	  "(CHUNKING).",
	  "RFC 3030" },
	{ "CHECKPOINT", "Checkpoint/restart",
	  "A transaction id (MAIL FROM ... TRANSID=<id>) lets an interrupted "
	  "large message resume where it stopped.",
	  "RFC 1845" },
	{ "DELIVERBY", "Deliver-by time",
	  "MAIL FROM ... BY=seconds;R|N asks for delivery within a time, "
	  "returning (R) or notifying (N) if it fails. The parameter, if any, "
	  "is the smallest time in seconds the server accepts.",
	  "RFC 2852" },
	{ "PIPELINING", "Command pipelining",
	  "You may send several commands (MAIL, RCPT..., DATA) without "
	  "waiting for each reply, then read the replies in order. Saves "
	  "round trips on slow links.",
	  "RFC 2920 3.1" },
	{ "DSN", "Delivery status notifications",
	  "Control bounces and delivery reports: RCPT TO ... NOTIFY=SUCCESS,"
	  "FAILURE,DELAY or NEVER, and ORCPT=rfc822;addr (the original "
	  "recipient); MAIL FROM ... RET=FULL or HDRS (how much of the "
	  "message a bounce includes) and ENVID=id (your own tracking id).",
	  "RFC 3461 4" },
	{ "ETRN", "Remote queue start",
	  "ETRN domain asks the server to try delivering mail it holds for "
	  "that domain now (for sites that connect intermittently).",
	  "RFC 1985" },
	{ "XCLIENT", "Client attributes from a trusted proxy",
	  "Postfix lists it only to clients it trusts "
	  "(smtpd_authorized_xclient_hosts): XCLIENT ADDR=... NAME=... makes "
	  "the server treat the session as coming from that client, for its "
	  "access rules and logs. Values are xtext; the reply is a new 220 "
	  "greeting, and EHLO must be sent again. The parameter lists the "
	  "attributes it takes.",
	  "Postfix XCLIENT_README" },
	{ "XFORWARD", "Original client, for logging",
	  "Postfix lists it only to clients it trusts "
	  "(smtpd_authorized_xforward_hosts): XFORWARD ADDR=... NAME=... "
	  "records where the next message really came from, in the log and "
	  "queue file, without changing access rules; answered 250, no new "
	  "EHLO. The parameter lists the attributes it takes.",
	  "Postfix XFORWARD_README" },
	{ "ENHANCEDSTATUSCODES", "Enhanced status codes",
	  "Replies will carry a code like 5.7.1 after the basic code, which "
	  "says more precisely what happened.",
	  "RFC 2034; RFC 3463" },
	{ "STARTTLS", "Upgrade to TLS",
	  "Send STARTTLS to switch this connection to TLS; after the 220 the "
	  "handshake starts, and you must send EHLO again afterwards. Not "
	  "listed once TLS is already on.",
	  "RFC 3207 4" },
	{ "NO-SOLICITING", "No soliciting",
	  "The server states it does not want solicitations; the parameter "
	  "lists keywords naming which kinds.",
	  "RFC 3865" },
	{ "MTRK", "Message tracking",
	  "MAIL FROM ... MTRK=authenticator:timeout lets the sender later "
	  "ask where the message went.",
	  "RFC 3885" },
	{ "AUTH", "Authentication (SASL)",
	  "Log in with AUTH mechanism [initial-response]. The parameters are "
	  "the mechanisms offered. Mechanisms that send the password "
	  "readably (PLAIN, LOGIN) must only be used inside TLS.",
	  "RFC 4954 3" },
	{ "BURL", "Submit by reference",
	  "BURL url [LAST] includes message content from an IMAP URL instead "
	  "of sending it again. The parameter lists URL types (imap).",
	  "RFC 4468" },
	{ "FUTURERELEASE", "Future release",
	  "MAIL FROM ... HOLDFOR=seconds or HOLDUNTIL=time delays delivery. "
	  "Parameters: the longest hold in seconds and the latest date.",
	  "RFC 4865" },
	{ "CONPERM", "Conversion permission",
	  "MAIL FROM ... CONPERM=... says whether the message may be converted "
	  "(for example fax to e-mail formats).",
	  "RFC 4141" },
	{ "CONNEG", "Conversion negotiation",
	  "The server can ask the recipient which content formats it takes "
	  "before converting.",
	  "RFC 4141" },
	{ "SMTPUTF8", "Internationalised mail",
	  "UTF-8 is allowed in addresses and headers when MAIL FROM carries "
	  "the SMTPUTF8 parameter. Needs 8BITMIME too.",
	  "RFC 6531" },
	{ "UTF8SMTP", "Internationalised mail (obsolete)",
	  "The experimental forerunner of SMTPUTF8; treat as SMTPUTF8's old "
	  "name and prefer SMTPUTF8.",
	  "RFC 5336" },
	{ "MT-PRIORITY", "Message priority",
	  "MAIL FROM ... MT-PRIORITY=n (-9..9) asks for a priority. The "
	  "parameter names the server's priority policy.",
	  "RFC 6710" },
	{ "RRVS", "Require-Recipient-Valid-Since",
	  "RCPT TO ... RRVS=date asks the server to refuse if the mailbox "
	  "changed owner since that date.",
	  "RFC 7293" },
	{ "REQUIRETLS", "Require TLS on every hop",
	  "MAIL FROM ... REQUIRETLS asks that the message only travel over "
	  "verified TLS all the way; otherwise it bounces.",
	  "RFC 8689" },
	{ "LIMITS", "Server limits",
	  "Announces limits as NAME=value: RCPTMAX (recipients per "
	  "transaction), MAILMAX (transactions per connection), "
	  "RCPTDOMAINMAX (distinct recipient domains per transaction). "
	  "Stay under them to avoid 452 replies.",
	  "RFC 9422" },
	{ NULL, NULL, NULL, NULL }
};

/* SASL mechanisms: the IANA registry plus LOGIN and XOAUTH2. */
const struct kb_mech kb_mech_table[] = {
	{ "PLAIN", "COMMON",
	  "User name and password in one base64 line. Base64 is not "
	  "encryption: anyone watching reads the password. Use only inside "
	  "TLS.", 0, "RFC 4616" },
	{ "LOGIN", "OBSOLETE (widely deployed)",
	  "The server asks \"Username:\" then \"Password:\" (base64), and you "
	  "answer each in base64. The password is readable on the wire; use "
	  "only inside TLS.", 0, "draft-murchison-sasl-login" },
	{ "CRAM-MD5", "LIMITED",
	  "The server sends a challenge; you answer with your name and an "
	  "HMAC-MD5 of it keyed by the password. The password never crosses "
	  "the wire, but the server must store it readably and an observer "
	  "can try to guess it offline.", 1, "RFC 2195" },
	{ "DIGEST-MD5", "OBSOLETE",
	  "A challenge-response mechanism with many interoperability and "
	  "security problems; retired. Does not send the password, but avoid "
	  "it.", 1, "RFC 2831; RFC 6331" },
	{ "NTLM", "LIMITED (vendor)",
	  "Microsoft's challenge-response login, used with Exchange. Weak "
	  "hashing; use inside TLS.", 0, "Microsoft MS-NLMP" },
	{ "GSSAPI", "COMMON",
	  "Kerberos login: a ticket rather than a password is exchanged. "
	  "Needs a Kerberos set-up on the client.", 1, "RFC 4752" },
	{ "EXTERNAL", "COMMON",
	  "Identity comes from outside SASL, usually the TLS client "
	  "certificate. No password at all.", 1, "RFC 4422" },
	{ "ANONYMOUS", "COMMON",
	  "No identity; an optional trace string only. Rare on SMTP "
	  "servers.", 1, "RFC 4505" },
	{ "OAUTHBEARER", "COMMON",
	  "Sends an OAuth 2.0 bearer token. The token is as good as a "
	  "password while it is valid: use only inside TLS.", 0,
	  "RFC 7628" },
	{ "XOAUTH2", "LIMITED (vendor: Google, Microsoft)",
	  "The pre-standard form of OAUTHBEARER used by Gmail and Microsoft "
	  "365: base64 of user=...^Aauth=Bearer token^A^A. The token is "
	  "readable on the wire; use only inside TLS.", 0,
	  "Google and Microsoft XOAUTH2 documentation" },
	{ "SCRAM-SHA-1", "COMMON",
	  "Salted challenge-response: the password is never sent and the "
	  "server proves it knows it too. SHA-1 based; prefer SHA-256.", 1,
	  "RFC 5802" },
	{ "SCRAM-SHA-1-PLUS", "COMMON",
	  "SCRAM-SHA-1 bound to the TLS channel, so a man in the middle "
	  "cannot relay the login.", 1, "RFC 5802" },
	{ "SCRAM-SHA-256", "COMMON",
	  "Salted challenge-response with SHA-256: the password is never "
	  "sent. A good choice.", 1, "RFC 7677" },
	{ "SCRAM-SHA-256-PLUS", "COMMON",
	  "SCRAM-SHA-256 bound to the TLS channel: the strongest common "
	  "password mechanism.", 1, "RFC 7677" },
	{ "GS2-KRB5", "COMMON",
	  "Kerberos through the GS2 family; like GSSAPI.", 1, "RFC 5801" },
	{ "OTP", "LIMITED",
	  "One-time passwords: each password works only once, so seeing it "
	  "helps nobody later.", 1, "RFC 2444" },
	{ "SECURID", "LIMITED",
	  "RSA SecurID token codes.", 1, "RFC 2808" },
	{ "KERBEROS_V4", "OBSOLETE",
	  "Kerberos version 4; broken and retired. Do not use.", 0,
	  "RFC 2222" },
	{ NULL, NULL, NULL, 0, NULL }
};

/* Reply classes (RFC 5321 4.2.1) and enhanced classes (RFC 3463 3.1). */
const struct kb_class kb_class_table[] = {
	{ 2, "success",
	  "The command worked.",
	  "Success; the rest of the code may say what was done." },
	{ 3, "intermediate",
	  "So far so good; the server waits for more from you (the "
	  "message after 354, an AUTH answer after 334).",
	  NULL },
	{ 4, "temporary failure",
	  "It did not work this time, but the same thing may work "
	  "later. Mail servers queue the message and retry.",
	  "A persistent transient failure; the same attempt may "
	  "succeed later." },
	{ 5, "permanent failure",
	  "It did not work and repeating the same thing will not help; "
	  "something must change first.",
	  "A permanent failure; do not retry unchanged." },
	{ 0, NULL, NULL, NULL }
};

/* The second digit of a reply code (RFC 5321 4.2.1). */
const struct kb_category kb_category_table[] = {
	{ 0, "syntax (x0z): about the form of a command" },
	{ 1, "information (x1z): status or help" },
	{ 2, "connections (x2z): about the transmission channel" },
	{ 3, "unspecified (x3z); the AUTH codes 530 to 538 live here" },
	{ 4, "unspecified (x4z)" },
	{ 5, "mail system (x5z): the state of the receiving system" },
	{ -1, NULL }
};


/* What each command does, for client lines. */
const struct kb_verb kb_verb_table[] = {
	{ VERB_HELO, "HELO",
	  "The old greeting: names your host. The server answers 250 but "
	  "lists no extensions, so no STARTTLS, AUTH or SIZE. Prefer EHLO.",
	  "RFC 5321 4.1.1.1" },
	{ VERB_EHLO, "EHLO",
	  "The extended greeting: names your host (a name or an address "
	  "literal like [192.0.2.1]) and asks the server to list its "
	  "extensions. Send it again after STARTTLS.",
	  "RFC 5321 4.1.1.1" },
	{ VERB_STARTTLS, "STARTTLS",
	  "Asks to switch this connection to TLS. On 220 the handshake "
	  "starts at once; afterwards the session starts over with EHLO.",
	  "RFC 3207 4" },
	{ VERB_AUTH, "AUTH",
	  "Starts a login: AUTH mechanism [initial response]. Credentials "
	  "are masked in the transcript. The server answers 334 for more, "
	  "235 on success, 535 on wrong credentials.",
	  "RFC 4954 4" },
	{ VERB_MAIL, "MAIL FROM",
	  "Starts a message transaction and gives the envelope sender (where "
	  "bounces go), in angle brackets; <> is the null sender used for "
	  "bounces. Extension parameters (SIZE=, BODY=) follow.",
	  "RFC 5321 4.1.1.2" },
	{ VERB_RCPT, "RCPT TO",
	  "Adds one envelope recipient, in angle brackets. Repeat for each "
	  "recipient; each gets its own reply.",
	  "RFC 5321 4.1.1.3" },
	{ VERB_DATA, "DATA",
	  "Asks to send the message content. After 354 send the headers, an "
	  "empty line, the body, and a line with a single dot.",
	  "RFC 5321 4.1.1.4" },
	{ VERB_BDAT, "BDAT",
	  "Sends a chunk of exactly the given number of octets (CHUNKING); "
	  "LAST marks the final chunk. No dot-stuffing.",
	  "RFC 3030 2" },
	{ VERB_RSET, "RSET",
	  "Abandons the current transaction (sender, recipients, content) "
	  "but keeps the connection and login.",
	  "RFC 5321 4.1.1.5" },
	{ VERB_NOOP, "NOOP",
	  "Does nothing; the server answers 250. Handy to check the "
	  "connection is alive or to measure round-trip time.",
	  "RFC 5321 4.1.1.9" },
	{ VERB_VRFY, "VRFY",
	  "Asks whether an address exists. Often answered 252 (cannot say) "
	  "or disabled.",
	  "RFC 5321 4.1.1.6" },
	{ VERB_EXPN, "EXPN",
	  "Asks for the members of a mailing list. Usually disabled.",
	  "RFC 5321 4.1.1.7" },
	{ VERB_HELP, "HELP",
	  "Asks for help text for a person.",
	  "RFC 5321 4.1.1.8" },
	{ VERB_QUIT, "QUIT",
	  "Ends the session politely; the server answers 221 and closes.",
	  "RFC 5321 4.1.1.10" },
	{ VERB_DOT, ".",
	  "The end of the message: a line holding only a dot. The reply "
	  "that follows tells whether the server accepted the message.",
	  "RFC 5321 4.1.1.4" },
	{ VERB_ANSWER, "AUTH answer",
	  "An answer to the server's 334 challenge, base64-encoded. A lone "
	  "\"*\" cancels the exchange.",
	  "RFC 4954 4" },
	{ VERB_OTHER, "other command",
	  "A command smtpscope does not track; the server decides what it "
	  "means (500 or 502 if it does not know it).",
	  "RFC 5321 4.1" },
	{ -1, NULL, NULL, NULL }
};

/* What a reply means given the command it answers. */
const struct kb_context kb_context_table[] = {
	{ VERB_NONE, 2, "This is the server's greeting. Send EHLO next." },
	{ VERB_NONE, 4, "The server will not talk now; it refuses the "
	  "session at the greeting. Try again later." },
	{ VERB_NONE, 5, "The server refuses this session outright at the "
	  "greeting, often because of your IP's reputation." },
	{ VERB_EHLO, 2, "It answers EHLO: the first line names the server; "
	  "each further line is an extension it offers." },
	{ VERB_EHLO, 5, "EHLO was refused: check the host name you gave; "
	  "a very old server may only know HELO." },
	{ VERB_HELO, 2, "HELO accepted. HELO shows no extensions; send EHLO "
	  "to see them." },
	{ VERB_STARTTLS, 2, "STARTTLS accepted: the TLS handshake starts "
	  "now. Send EHLO again once it is up." },
	{ VERB_STARTTLS, 4, "TLS is not available right now. Do not send "
	  "passwords on this connection." },
	{ VERB_STARTTLS, 5, "STARTTLS refused (not offered, or already on "
	  "TLS)." },
	{ VERB_AUTH, 2, "You are logged in." },
	{ VERB_AUTH, 3, "The server wants an answer to its challenge." },
	{ VERB_AUTH, 4, "Login could not be checked right now." },
	{ VERB_AUTH, 5, "Login failed." },
	{ VERB_ANSWER, 2, "You are logged in." },
	{ VERB_ANSWER, 3, "The server wants another answer." },
	{ VERB_ANSWER, 5, "Login failed." },
	{ VERB_MAIL, 2, "Sender accepted; give one RCPT TO per recipient "
	  "next." },
	{ VERB_MAIL, 0, "The sender was not accepted; no transaction is "
	  "open." },
	{ VERB_RCPT, 2, "This recipient is accepted; add more or send "
	  "DATA." },
	{ VERB_RCPT, 0, "This recipient was refused; others may still be "
	  "accepted, and DATA works if at least one was." },
	{ VERB_DATA, 3, "Type the message now; end it with a line holding "
	  "only a dot." },
	{ VERB_DATA, 0, "DATA refused; usually no recipient was accepted." },
	{ VERB_BDAT, 2, "Chunk accepted (after LAST: the message is "
	  "accepted)." },
	{ VERB_DOT, 2, "The message is accepted: the server now carries the "
	  "responsibility for delivering it. Note any queue id in the text." },
	{ VERB_DOT, 4, "The message was not accepted this time; the content "
	  "check or storage failed temporarily. Send it again later." },
	{ VERB_DOT, 5, "The message was refused after the server saw its "
	  "content (spam or virus filter, size, policy)." },
	{ VERB_RSET, 2, "Transaction cleared; start again with MAIL FROM." },
	{ VERB_QUIT, 2, "Goodbye: the server closes the connection." },
	{ -1, 0, NULL }
};
