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
	  "Nothing to retry: this is an answer, not a failure.",
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
	{ 252, "Cannot verify, will try delivery",
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

/* Enhanced status codes: subjects "X.N" then details "X.N.M" (RFC 3463). */
const struct kb_enh kb_enh_table[] = {
	/* Subjects. */
	{ "X.0", "Other or undefined",
	  "The server gives no category; rely on the text and basic code.",
	  "RFC 3463 3.1" },
	{ "X.1", "Addressing",
	  "Something about an address, the sender's or a recipient's: it "
	  "does not exist, is malformed, or its domain is wrong.",
	  "RFC 3463 3.2" },
	{ "X.2", "Mailbox",
	  "The address is right, but the mailbox behind it has a problem: "
	  "disabled, full, or limited in what it takes.",
	  "RFC 3463 3.3" },
	{ "X.3", "Mail system",
	  "The receiving system as a whole has a problem or a limit: full "
	  "disks, configuration, size limits.",
	  "RFC 3463 3.4" },
	{ "X.4", "Network and routing",
	  "Getting the message to the next hop failed: no answer, no route, "
	  "DNS trouble, loops, congestion.",
	  "RFC 3463 3.5" },
	{ "X.5", "Mail delivery protocol",
	  "The SMTP conversation itself went wrong: bad commands, syntax, "
	  "ordering, limits of the protocol.",
	  "RFC 3463 3.6" },
	{ "X.6", "Message content or media",
	  "The content of the message could not be handled: its encoding, "
	  "its character set, conversions.",
	  "RFC 3463 3.7" },
	{ "X.7", "Security or policy",
	  "A rule refused the action: authentication, relaying permission, "
	  "anti-spam checks, SPF/DKIM/DMARC, encryption requirements.",
	  "RFC 3463 3.8" },

	/* X.0: other. */
	{ "X.0.0", "Other undefined status",
	  "No detail is given. With class 2 it is a plain success; with 4 or "
	  "5 the text is your only clue.",
	  "RFC 3463 3.1" },

	/* X.1: addressing. */
	{ "X.1.0", "Other address status",
	  "An address problem the server did not narrow down, or (with "
	  "class 2) a sender or recipient accepted.",
	  "RFC 3463 3.2" },
	{ "X.1.1", "Bad destination mailbox",
	  "The recipient's mailbox does not exist here: the part before the "
	  "@ is unknown. Usually a typo or a departed user.",
	  "RFC 3463 3.2" },
	{ "X.1.2", "Bad destination system",
	  "The recipient's domain is wrong: it does not exist, has no mail "
	  "servers, or this server is not the right one for it.",
	  "RFC 3463 3.2" },
	{ "X.1.3", "Bad destination address syntax",
	  "The recipient address is malformed (missing @, bad characters, "
	  "missing angle brackets).",
	  "RFC 3463 3.2" },
	{ "X.1.4", "Ambiguous destination",
	  "The recipient address matches more than one mailbox, so the "
	  "server cannot pick one.",
	  "RFC 3463 3.2" },
	{ "X.1.5", "Destination address valid",
	  "A good sign: the recipient address is accepted (used with "
	  "class 2 after RCPT).",
	  "RFC 3463 3.2" },
	{ "X.1.6", "Mailbox has moved",
	  "The recipient used to be here but moved and left no forwarding "
	  "address.",
	  "RFC 3463 3.2" },
	{ "X.1.7", "Bad sender address syntax",
	  "The MAIL FROM address is malformed, or its domain cannot receive "
	  "replies.",
	  "RFC 3463 3.2" },
	{ "X.1.8", "Bad sender system",
	  "The sender's domain is not acceptable: it does not exist in DNS, "
	  "or has no way to receive bounces.",
	  "RFC 3463 3.2" },
	{ "X.1.9", "Relayed to non-compliant mailer",
	  "The message was passed to a system that cannot report delivery "
	  "status, so no further tracking is possible.",
	  "RFC 3886" },
	{ "X.1.10", "Recipient domain has null MX",
	  "The recipient's domain publishes a null MX: it states that it "
	  "receives no mail at all.",
	  "RFC 7505" },

	/* X.2: mailbox. */
	{ "X.2.0", "Other mailbox status",
	  "Something about the mailbox prevents delivery (or, with class 2, "
	  "the mailbox accepted it).",
	  "RFC 3463 3.3" },
	{ "X.2.1", "Mailbox disabled",
	  "The mailbox exists but does not accept messages right now: "
	  "suspended, locked or closed.",
	  "RFC 3463 3.3" },
	{ "X.2.2", "Mailbox full",
	  "The recipient is over quota. It may clear when they delete mail, "
	  "so the temporary form (4.2.2) is often retried.",
	  "RFC 3463 3.3" },
	{ "X.2.3", "Message too long for mailbox",
	  "The message is larger than this mailbox's own limit.",
	  "RFC 3463 3.3" },
	{ "X.2.4", "Mailing list expansion problem",
	  "The recipient is a mailing list that could not be expanded into "
	  "its members.",
	  "RFC 3463 3.3" },

	/* X.3: mail system. */
	{ "X.3.0", "Other mail system status",
	  "The receiving system has a problem it does not describe (or, "
	  "class 2: the system accepted the message).",
	  "RFC 3463 3.4" },
	{ "X.3.1", "Mail system full",
	  "The server's storage is full; not specific to one mailbox.",
	  "RFC 3463 3.4" },
	{ "X.3.2", "Not accepting network messages",
	  "The host is not taking mail now, for example while shutting "
	  "down.",
	  "RFC 3463 3.4" },
	{ "X.3.3", "Feature not supported",
	  "The message needs a feature the system lacks (for example 8-bit "
	  "or binary content).",
	  "RFC 3463 3.4" },
	{ "X.3.4", "Message too big for system",
	  "The message exceeds the server's size limit; compare with the "
	  "SIZE value in the EHLO reply.",
	  "RFC 3463 3.4" },
	{ "X.3.5", "System incorrectly configured",
	  "The receiving system is misconfigured; only its administrator "
	  "can fix it.",
	  "RFC 3463 3.4" },
	{ "X.3.6", "Priority changed",
	  "The server accepted the message but changed its requested "
	  "priority (MT-PRIORITY).",
	  "RFC 6710" },

	/* X.4: network and routing. */
	{ "X.4.0", "Other network or routing status",
	  "A routing or network problem the server did not specify.",
	  "RFC 3463 3.5" },
	{ "X.4.1", "No answer from host",
	  "The next host could not be reached: connection refused or timed "
	  "out.",
	  "RFC 3463 3.5" },
	{ "X.4.2", "Bad connection",
	  "A connection was made but broke or misbehaved during the "
	  "exchange.",
	  "RFC 3463 3.5" },
	{ "X.4.3", "Directory server failure",
	  "A lookup failed, usually DNS (or LDAP). Often temporary.",
	  "RFC 3463 3.5" },
	{ "X.4.4", "Unable to route",
	  "No route to the destination: typically the domain has no MX or A "
	  "record that leads anywhere.",
	  "RFC 3463 3.5" },
	{ "X.4.5", "Mail system congestion",
	  "The server is overloaded or rate-limiting; try again later.",
	  "RFC 3463 3.5" },
	{ "X.4.6", "Routing loop detected",
	  "The message went round in circles (too many Received: headers, or "
	  "MX records pointing back).",
	  "RFC 3463 3.5" },
	{ "X.4.7", "Delivery time expired",
	  "The message sat in a queue too long without being delivered and "
	  "was given up.",
	  "RFC 3463 3.5" },

	/* X.5: protocol. */
	{ "X.5.0", "Other protocol status",
	  "An SMTP protocol problem the server did not specify (with class "
	  "2: the command was fine).",
	  "RFC 3463 3.6" },
	{ "X.5.1", "Invalid command",
	  "The command is unknown, not allowed now, or out of sequence.",
	  "RFC 3463 3.6" },
	{ "X.5.2", "Syntax error",
	  "The command's syntax is wrong, or a line could not be parsed.",
	  "RFC 3463 3.6" },
	{ "X.5.3", "Too many recipients",
	  "More recipients than the server takes in one transaction; send "
	  "the rest in another.",
	  "RFC 3463 3.6" },
	{ "X.5.4", "Invalid command arguments",
	  "The command is valid but an argument or parameter is not.",
	  "RFC 3463 3.6" },
	{ "X.5.5", "Wrong protocol version",
	  "The two sides do not agree on the protocol version or extension "
	  "in use.",
	  "RFC 3463 3.6" },
	{ "X.5.6", "Authentication line too long",
	  "An AUTH command or answer line exceeded the server's limit.",
	  "RFC 4954 6" },

	/* X.6: content. */
	{ "X.6.0", "Other media error",
	  "A content problem the server did not specify.",
	  "RFC 3463 3.7" },
	{ "X.6.1", "Media not supported",
	  "A part of the message uses a type or encoding the destination "
	  "cannot take.",
	  "RFC 3463 3.7" },
	{ "X.6.2", "Conversion required and prohibited",
	  "The content would have to be converted to be delivered, but the "
	  "sender forbade conversion.",
	  "RFC 3463 3.7" },
	{ "X.6.3", "Conversion required but not supported",
	  "The content would have to be converted, and this system cannot do "
	  "it.",
	  "RFC 3463 3.7" },
	{ "X.6.4", "Conversion with loss performed",
	  "The message was delivered, but converting it lost something.",
	  "RFC 3463 3.7" },
	{ "X.6.5", "Conversion failed",
	  "A needed conversion of the content was tried and failed.",
	  "RFC 3463 3.7" },
	{ "X.6.6", "Message content not available",
	  "The content referenced (BURL) could not be fetched.",
	  "RFC 4468" },
	{ "X.6.7", "Non-ASCII address not permitted",
	  "An internationalised (UTF-8) address was used where it is not "
	  "allowed, for example without SMTPUTF8.",
	  "RFC 6531" },
	{ "X.6.8", "UTF-8 reply required but not permitted",
	  "The server needs to answer in UTF-8 but the client did not ask for "
	  "SMTPUTF8.",
	  "RFC 6531" },
	{ "X.6.9", "UTF-8 header cannot be transferred",
	  "The message has UTF-8 headers and a recipient's system cannot "
	  "accept them.",
	  "RFC 6531" },
	{ "X.6.10", "Same as X.6.8 (deprecated)",
	  "An old duplicate of X.6.8: a UTF-8 reply was needed but not "
	  "allowed.",
	  "RFC 6531" },

	/* X.7: security and policy. */
	{ "X.7.0", "Other security or policy status",
	  "A policy or security rule applies but the server does not say "
	  "which; common for \"authentication required\" and for temporary "
	  "reputation blocks. With class 2: authentication succeeded.",
	  "RFC 3463 3.8" },
	{ "X.7.1", "Delivery not authorized",
	  "You are not allowed to do this: typically relaying without "
	  "authentication, a sender the server refuses, or a policy or "
	  "block list rejection.",
	  "RFC 3463 3.8" },
	{ "X.7.2", "List expansion prohibited",
	  "The sender may not send to this mailing list.",
	  "RFC 3463 3.8" },
	{ "X.7.3", "Security conversion not possible",
	  "The message needed a security conversion (such as encryption) "
	  "that could not be done.",
	  "RFC 3463 3.8" },
	{ "X.7.4", "Security features not supported",
	  "A security feature requested is not supported by the system.",
	  "RFC 3463 3.8" },
	{ "X.7.5", "Cryptographic failure",
	  "A cryptographic operation (decrypting, checking a signature) "
	  "failed.",
	  "RFC 3463 3.8" },
	{ "X.7.6", "Cryptographic algorithm not supported",
	  "The message uses a cryptographic algorithm the system does not "
	  "support.",
	  "RFC 3463 3.8" },
	{ "X.7.7", "Message integrity failure",
	  "The message was found to be altered or corrupt.",
	  "RFC 3463 3.8" },
	{ "X.7.8", "Authentication credentials invalid",
	  "AUTH failed: wrong user name, password or token. Some providers "
	  "also answer this when a normal password is used where an app "
	  "password or OAuth is required.",
	  "RFC 4954 6" },
	{ "X.7.9", "Mechanism too weak",
	  "The AUTH mechanism used is not strong enough for this account or "
	  "server.",
	  "RFC 4954 6" },
	{ "X.7.10", "Encryption needed",
	  "The action requires an encrypted connection; use STARTTLS or "
	  "implicit TLS.",
	  "RFC 5248" },
	{ "X.7.11", "Encryption required for mechanism",
	  "This AUTH mechanism may only be used over TLS.",
	  "RFC 4954 6" },
	{ "X.7.12", "Password transition needed",
	  "The password must be changed before this kind of login works.",
	  "RFC 4954 6" },
	{ "X.7.13", "User account disabled",
	  "The account is disabled or locked.",
	  "RFC 5248" },
	{ "X.7.14", "Trust relationship required",
	  "The server only accepts this from peers it has an agreement with "
	  "(for example a configured certificate or IP).",
	  "RFC 5248" },
	{ "X.7.15", "Priority too low",
	  "The message's MT-PRIORITY is too low to be accepted now.",
	  "RFC 6710" },
	{ "X.7.16", "Too big for the priority",
	  "The message is too large for the priority it asked for.",
	  "RFC 6710" },
	{ "X.7.17", "Mailbox owner has changed",
	  "RRVS check: the mailbox now belongs to someone else than when "
	  "the sender last knew it.",
	  "RFC 7293" },
	{ "X.7.18", "Domain owner has changed",
	  "RRVS check: the recipient's domain changed hands since the given "
	  "date.",
	  "RFC 7293" },
	{ "X.7.19", "RRVS test cannot be completed",
	  "The server could not check the Require-Recipient-Valid-Since "
	  "condition.",
	  "RFC 7293" },
	{ "X.7.20", "No passing DKIM signature",
	  "The message has no DKIM signature that verifies.",
	  "RFC 7372 3.1" },
	{ "X.7.21", "No acceptable DKIM signature",
	  "DKIM signatures verify, but none meets the receiver's rules (for "
	  "example weak key or wrong domain).",
	  "RFC 7372 3.1" },
	{ "X.7.22", "No author-matched DKIM signature",
	  "No valid DKIM signature comes from the domain in the From: "
	  "header.",
	  "RFC 7372 3.1" },
	{ "X.7.23", "SPF validation failed",
	  "The sending IP is not allowed by the SPF record of the MAIL FROM "
	  "(or HELO) domain.",
	  "RFC 7372 3.2" },
	{ "X.7.24", "SPF validation error",
	  "The SPF check could not be done: the record is broken or DNS "
	  "failed.",
	  "RFC 7372 3.2" },
	{ "X.7.25", "Reverse DNS validation failed",
	  "The sending IP has no PTR record, or the PTR name does not "
	  "resolve back to the IP.",
	  "RFC 7372 3.3" },
	{ "X.7.26", "Multiple authentication checks failed",
	  "Several checks (SPF, DKIM, and so DMARC) failed together; the "
	  "message looks unauthenticated.",
	  "RFC 7372 3.4" },
	{ "X.7.27", "Sender domain has null MX",
	  "The sender's domain says it receives no mail, so bounces could "
	  "not reach it; the message is refused.",
	  "RFC 7505" },
	{ "X.7.28", "Mail flood detected",
	  "The server sees too much mail from you, or to this recipient, in "
	  "a short time (flooding or mail bombing).",
	  "IANA SMTP Enhanced Status Codes registry" },
	{ "X.7.29", "ARC validation failure",
	  "The message's ARC chain (authentication results kept across "
	  "forwarders) does not validate.",
	  "RFC 8617" },
	{ "X.7.30", "REQUIRETLS support required",
	  "The message demands TLS on every hop (REQUIRETLS), and the next "
	  "hop cannot promise that.",
	  "RFC 8689" },
	{ NULL, NULL, NULL, NULL }
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

/* Vendor and text patterns worth a specific hint. */
const struct kb_hint kb_hint_table[] = {
	{ "gmail-unauthenticated", 5, { 0 }, { "X.7.26" }, { NULL },
	  { NULL }, 0,
	  "Sender authentication failed (Gmail 5.7.26 style)",
	  "The receiver could not tie the message to its sending domain: SPF "
	  "did not pass for the sending IP, and/or DKIM did not verify, so "
	  "DMARC failed. Gmail and others reject such mail from bulk or "
	  "strict-policy domains. Publish an SPF record that includes the "
	  "sending IP, sign with DKIM for the From: domain, and check the "
	  "domain's DMARC record (dig TXT _dmarc.example.org).",
	  "RFC 7372 3.4; RFC 7208; RFC 6376; RFC 7489" },
	{ "gmail-temporary", 4, { 0 }, { "X.7.0" }, { "gsmtp", "google" },
	  { NULL }, 0,
	  "Gmail deferred the message (4.7.0)",
	  "Gmail uses 4.7.0 for temporary policy and reputation blocks: an "
	  "unusual amount of mail from your IP, missing authentication "
	  "(SPF/DKIM), no reverse DNS for the IP, or TLS trouble. Slow down, "
	  "make sure the IP has a PTR record that resolves back, and that "
	  "SPF and DKIM pass; the queue will retry.",
	  "RFC 3463 3.8" },
	{ "rate-limit", 4, { 0 }, { "X.7.28" },
	  { "rate limit", "rate-limit", "unusual rate", "too many messages",
	    "too many connections", "throttl", "sending rate",
	    "sending quota", "sending limit" }, { NULL }, 1,
	  "Rate limited",
	  "The server thinks you send too much, too fast (Gmail says \"unusual "
	  "rate\" or uses 4.7.28). It is temporary: send more slowly, fewer "
	  "connections and messages per minute, and let the queue retry "
	  "later. Warm up new IPs gradually.",
	  "RFC 3463 3.5" },
	{ "gmail-app-password", 0, { 0 }, { NULL },
	  { "application-specific password", "app password",
	    "apppasswords" }, { NULL }, 0,
	  "App password required",
	  "The account uses two-step verification, so its normal password "
	  "does not work for SMTP. Create an app password in the account's "
	  "security settings (or use OAuth with XOAUTH2) and log in with "
	  "that.",
	  "RFC 4954 6" },
	{ "gmail-bad-credentials", 0, { 0 }, { NULL },
	  { "username and password not accepted", "badcredentials" },
	  { NULL }, 0,
	  "Google refused the login",
	  "Either the user name or password is wrong, or Google no longer "
	  "accepts the plain account password for this account (\"less "
	  "secure apps\" are off). Use an app password or OAuth (XOAUTH2).",
	  "RFC 4954 6" },
	{ "not-authorized", 5, { 0 }, { "X.7.1" },
	  { "not authorized", "not authorised", "unauthorized sender",
	    "not allowed to send" }, { NULL }, 0,
	  "Sender not authorised",
	  "The server refuses you as a sender for this message: your IP or "
	  "domain is not allowed (SPF, policy), or the account may not send "
	  "as this From address. Send through your domain's own server, "
	  "authenticate, and check SPF for the MAIL FROM domain.",
	  "RFC 3463 3.8" },
	{ "m365-anonymous", 0, { 0 }, { "X.7.57" },
	  { "not authenticated to send anonymous",
	    "client was not authenticated" }, { NULL }, 1,
	  "Microsoft 365: client not authenticated (5.7.57)",
	  "Microsoft 365 submission (smtp.office365.com:587) only takes mail "
	  "after AUTH. Send STARTTLS, EHLO, then AUTH LOGIN or XOAUTH2 with "
	  "the mailbox's credentials before MAIL FROM; check that SMTP AUTH "
	  "is enabled for the mailbox.",
	  "RFC 4954 6" },
	{ "m365-smtp-auth-disabled", 0, { 0 }, { "X.7.139" },
	  { "smtpclientauthentication is disabled",
	    "basic authentication is disabled" }, { NULL }, 1,
	  "Microsoft 365: SMTP AUTH disabled (5.7.139)",
	  "The tenant or mailbox has SMTP AUTH (or basic authentication) "
	  "switched off. An administrator must enable authenticated SMTP for "
	  "the mailbox, or the client must use OAuth (XOAUTH2).",
	  "RFC 4954 6" },
	{ "m365-ip-denied", 0, { 0 }, { "X.7.708" },
	  { "traffic not accepted from this ip" }, { NULL }, 1,
	  "Microsoft 365: IP not accepted (5.7.708)",
	  "Microsoft refuses traffic from this IP, usually because it has a "
	  "poor reputation or is a new, un-warmed address in a cloud range. "
	  "Send from an IP with a good history, or through a relay service "
	  "Microsoft trusts.",
	  "RFC 3463 3.8" },
	{ "m365-banned-ip", 0, { 0 }, { "X.7.606" },
	  { "banned sending ip" }, { NULL }, 1,
	  "Microsoft: banned sending IP (5.7.606)",
	  "The sending IP is on Microsoft's block list. Request delisting "
	  "through Microsoft's sender support portal named in the text, after "
	  "fixing the cause (compromised account, open relay, spam).",
	  "RFC 3463 3.8" },
	{ "relay-denied", 0, { 0 }, { NULL },
	  { "relay access denied", "relaying denied", "not permitted to relay",
	    "relay not permitted", "unable to relay", "relaying not allowed",
	    "relay denied", "we do not relay" }, { NULL }, 0,
	  "Relaying denied",
	  "This server is not the destination for that recipient's domain, "
	  "and it does not know you, so it will not pass the mail on (that "
	  "would make it an open relay). Either authenticate (AUTH on the "
	  "submission port 587) so it relays for you, or send to the "
	  "recipient domain's own MX.",
	  "RFC 5321 3.6; RFC 6409" },
	{ "greylisting", 4, { 0 }, { NULL },
	  { "greylist", "graylist", "grey-list", "gray-list" }, { NULL }, 0,
	  "Greylisting",
	  "The server refuses the first attempt from an unknown sender on "
	  "purpose, expecting a real mail server to come back later. Retry "
	  "from the same IP after a few minutes (often 1 to 5) and it will "
	  "pass. No change is needed.",
	  "RFC 5321 4.5.4.1" },
	{ "greylisting", 4, { 450, 451 }, { "4.7.1", "4.2.0", "4.7.0" },
	  { "try again later", "try later", "please retry" }, { NULL }, 0,
	  "Greylisting",
	  "The server refuses the first attempt from an unknown sender on "
	  "purpose, expecting a real mail server to come back later. Retry "
	  "from the same IP after a few minutes (often 1 to 5) and it will "
	  "pass. No change is needed.",
	  "RFC 5321 4.5.4.1" },
	{ "spf", 0, { 0 }, { "X.7.23", "X.7.24" }, { "spf" }, { NULL }, 1,
	  "SPF check",
	  "SPF lists which IPs may send for a domain. The receiver checked "
	  "the MAIL FROM (or HELO) domain's SPF record against your IP. Look "
	  "up the record (dig TXT example.org) and add the sending IP or "
	  "provider include; keep under 10 DNS lookups.",
	  "RFC 7208; RFC 7372 3.2" },
	{ "dkim", 0, { 0 }, { "X.7.20", "X.7.21", "X.7.22" }, { "dkim" },
	  { NULL }, 1,
	  "DKIM check",
	  "DKIM signatures prove a domain vouches for the message. The "
	  "signature was missing, did not verify (content changed after "
	  "signing, wrong key in DNS) or is from the wrong domain. Sign with "
	  "the From: domain's key and publish its selector record.",
	  "RFC 6376; RFC 7372 3.1" },
	{ "dmarc", 0, { 0 }, { NULL }, { "dmarc" }, { NULL }, 0,
	  "DMARC policy",
	  "The From: domain publishes a DMARC policy (reject or quarantine), "
	  "and the message passed neither SPF nor DKIM in alignment with "
	  "that domain. Make SPF or DKIM pass for the same domain as the "
	  "From: header; check the record at _dmarc.<domain>.",
	  "RFC 7489" },
	{ "blocklist", 0, { 0 }, { NULL },
	  { "blocked using", "listed at", "listed on", "spamhaus",
	    "spamcop", "dnsbl", "blocklist", "blacklist", "block list",
	    "barracudacentral" }, { NULL }, 0,
	  "DNS block list",
	  "Your sending IP (or domain) is on a public block list the server "
	  "consults, such as Spamhaus ZEN. Look the IP up on the list's web "
	  "site named in the text, fix the cause (infected host, open relay, "
	  "dynamic IP range) and request removal; meanwhile send through "
	  "another relay.",
	  "RFC 5782" },
	{ "rdns", 0, { 0 }, { "X.7.25" },
	  { "reverse dns", "ptr record", "rdns", "reverse lookup",
	    "reverse hostname" }, { NULL }, 1,
	  "Reverse DNS",
	  "The receiver wants the sending IP to have a PTR record whose name "
	  "resolves back to the same IP. Ask whoever owns the IP (your "
	  "hosting or ISP) to set it.",
	  "RFC 7372 3.3" },
	{ "mailbox-full", 0, { 0 }, { "X.2.2" },
	  { "mailbox full", "mailbox is full", "quota", "mailbox size limit",
	    "insufficient storage" }, { "sending quota", "send quota" }, 1,
	  "Mailbox full",
	  "The recipient's mailbox has hit its storage quota. Nothing is "
	  "wrong on your side; the recipient must free space. A temporary "
	  "(4xx) form will be retried by your queue.",
	  "RFC 3463 3.3" },
	{ "user-unknown", 5, { 0 }, { "X.1.1" },
	  { "user unknown", "no such user", "unknown user", "user not found",
	    "does not exist", "mailbox not found", "invalid recipient",
	    "recipient not found", "no mailbox here", "unknown recipient" },
	  { "domain does not exist", "host does not exist" }, 1,
	  "No such recipient",
	  "The recipient address does not exist at this server. Check it "
	  "for typos (especially the part before the @); the person may have "
	  "left. Do not retry unchanged.",
	  "RFC 3463 3.2" },
	{ "too-large", 0, { 0 }, { "X.3.4", "X.2.3" },
	  { "message too large", "message size exceeds", "too big",
	    "exceeds size limit", "size limit", "message is too large",
	    "exceeds the maximum" }, { NULL }, 1,
	  "Message too large",
	  "The message is bigger than the server (or mailbox) accepts. "
	  "Compare its size with the SIZE value in the EHLO reply; remember "
	  "base64 attachments grow by a third. Send a link instead, or "
	  "split the content.",
	  "RFC 1870; RFC 3463 3.4" },
	{ "tls-required", 0, { 0 }, { NULL },
	  { "tls required", "must issue a starttls", "starttls first",
	    "requires tls", "tls is required", "encryption required",
	    "must use starttls", "secure connection required" }, { NULL }, 0,
	  "TLS required",
	  "The server only does this over an encrypted connection. Send "
	  "STARTTLS (then EHLO again), or connect with implicit TLS on port "
	  "465 (smtps://), and repeat the command.",
	  "RFC 3207 4; RFC 8314" },
	{ NULL, 0, { 0 }, { NULL }, { NULL }, { NULL }, 0, NULL, NULL, NULL }
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
