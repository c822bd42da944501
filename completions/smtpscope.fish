# fish completion for smtpscope(1).
# Every option of `smtpscope --help` must be here
# (tests/integration/completions.sh checks it).

function __smtpscope_profiles
    set -l conf
    if string match -q '/*' -- "$XDG_CONFIG_HOME"
        set conf $XDG_CONFIG_HOME/smtpscope/config
    else
        set conf $HOME/.config/smtpscope/config
    end
    test -r $conf; or return 0
    string replace -rf '^\s*\[\s*profile\s+([A-Za-z0-9._-]+)\s*\].*$' '$1' <$conf
end

complete -c smtpscope -e

# Targets: the URL schemes.
complete -c smtpscope -n 'not string match -q -- "-*" (commandline -ct)' -f \
    -a 'smtp:// smtps:// submission:// lmtp:// mx://' -d 'target URL'

# Modes.
complete -c smtpscope -l script -r -F -d 'run a script file without the UI'
complete -c smtpscope -l step -d 'with --script: step through it in the UI'
complete -c smtpscope -l replay -r -F -d 'step through a saved transcript'
complete -c smtpscope -l export-html -r -F -d 'with --replay: write HTML'
complete -c smtpscope -l explain -x -d 'explain a reply code or keyword'
complete -c smtpscope -l lesson -f -d 'list or do a lesson'
complete -c smtpscope -l serve -x -d 'run the practice server on [ADDR:]PORT'
complete -c smtpscope -l serve-plain -d 'no classroom view'
complete -c smtpscope -l serve-smtps -x -d 'also listen for implicit TLS'
complete -c smtpscope -l maildir -x -a '(__fish_complete_directories)' -d 'write accepted mail here'
complete -c smtpscope -l serve-require-auth -d '530 for MAIL before AUTH'
complete -c smtpscope -l serve-tls-auth -d '538 for PLAIN/LOGIN before TLS'
complete -c smtpscope -l serve-require-tls -d '523 before TLS'
complete -c smtpscope -l serve-max-sessions -x -d 'sessions at once'
complete -c smtpscope -l serve-max-per-addr -x -d 'sessions per client address'
complete -c smtpscope -l serve-idle -x -d 'idle timeout (seconds)'
complete -c smtpscope -l serve-max-time -x -d 'session time limit (seconds)'
complete -c smtpscope -l serve-max-memory -x -d 'message memory (MB)'
complete -c smtpscope -l serve-log -r -F -d 'log sessions to FILE'
complete -c smtpscope -l maildir-quota -x -d '--maildir limit (MB)'

# Connection and TLS.
complete -c smtpscope -l starttls -d 'STARTTLS after the first EHLO'
complete -c smtpscope -l allow-plaintext -d 'allow AUTH without TLS'
complete -c smtpscope -l insecure -d 'go on when the certificate fails'
complete -c smtpscope -l ca-file -r -F -d 'trusted certificates (PEM)'
complete -c smtpscope -l tls-priority -x -d 'GnuTLS priority string'
complete -c smtpscope -l sni -x -d 'server name to send and check'
complete -c smtpscope -l tls-report -d 'TLS report after each handshake'
complete -c smtpscope -l mta-sts -x -d 'check the MTA-STS policy of DOMAIN'
complete -c smtpscope -l mta-sts-mx -x -d 'with --mta-sts: does HOST match'
complete -c smtpscope -l cert -r -F -d 'client certificate'
complete -c smtpscope -l key -r -F -d 'client key'
complete -c smtpscope -s 4 -d 'IPv4 only'
complete -c smtpscope -s 6 -d 'IPv6 only'
complete -c smtpscope -l timeout -x -d 'connect and reply timeout (seconds)'
complete -c smtpscope -l user -x -d 'user name for AUTH'
complete -c smtpscope -l password-env -x -a '(set -xn)' -d 'password from this variable'
complete -c smtpscope -l password-file -r -F -d 'password from this file'
complete -c smtpscope -l log -r -F -d 'append the transcript to FILE'
complete -c smtpscope -l log-max -x -d 'cap of the log (K, M, G)'
complete -c smtpscope -l max-transcript -x -d 'LINES[,SIZE] kept in memory'
complete -c smtpscope -l show-secrets -d 'write passwords in logs'
complete -c smtpscope -l timing -d 'show the time of each line'
complete -c smtpscope -l no-color -d 'no colours'
complete -c smtpscope -l theme -x -a 'dark light high-contrast' -d 'colours'
complete -c smtpscope -l json -d 'JSON Lines instead of text'
complete -c smtpscope -l profile -x -a '(__smtpscope_profiles)' -d 'a [profile NAME] of the config file'
complete -c smtpscope -l help -d 'show the options'
complete -c smtpscope -l version -d 'show the version'

# One-shot send.
complete -c smtpscope -l to -x -d 'recipients'
complete -c smtpscope -l from -x -d 'envelope sender'
complete -c smtpscope -l header -x -d "'Name: value'"
complete -c smtpscope -l body -x -d 'the body text'
complete -c smtpscope -l body-file -r -F -d 'the body from FILE'
complete -c smtpscope -l attach -r -F -d 'attach FILE'
complete -c smtpscope -l auth -x -a 'PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-1-PLUS SCRAM-SHA-256 SCRAM-SHA-256-PLUS DIGEST-MD5 NTLM XOAUTH2 OAUTHBEARER EXTERNAL GSSAPI' -d 'AUTH mechanism'
complete -c smtpscope -l ehlo -x -d 'the EHLO name'
complete -c smtpscope -l bdat -d 'send with BDAT chunks'
complete -c smtpscope -l bdat-chunk -x -d 'BDAT chunk size'
complete -c smtpscope -l quit-after -x -a 'connect banner ehlo tls auth mail rcpt' -d 'QUIT after this stage'
complete -c smtpscope -l smtputf8 -d 'SMTPUTF8'
complete -c smtpscope -l requiretls -d 'REQUIRETLS'
complete -c smtpscope -l size -d 'MAIL ... SIZE='
complete -c smtpscope -l dsn-ret -x -a 'full hdrs' -d 'DSN RET'
complete -c smtpscope -l dsn-envid -x -d 'DSN ENVID'
complete -c smtpscope -l dsn-notify -x -a 'never success failure delay success,failure success,failure,delay failure,delay' -d 'DSN NOTIFY'
complete -c smtpscope -l dsn-orcpt -d 'DSN ORCPT'

# Transports.
complete -c smtpscope -l xclient -x -d 'XCLIENT ATTR=VALUE'
complete -c smtpscope -l xforward -x -d 'XFORWARD ATTR=VALUE'
complete -c smtpscope -l proxy-protocol -x -a '1 2' -d 'PROXY protocol header'
complete -c smtpscope -l proxy-source -x -d 'PROXY source ADDR:PORT'
complete -c smtpscope -l proxy-dest -x -d 'PROXY destination ADDR:PORT'
complete -c smtpscope -l dns -x -d 'DNS server ADDR[:PORT]'
complete -c smtpscope -l dns-trust-anchor -r -F -d 'DNSSEC trust anchor file'
complete -c smtpscope -l dane -d 'TLSA records decide the certificate check'
complete -c smtpscope -l intercept -x -d 'relay and show an application session: LISTEN URL'
complete -c smtpscope -l once -d 'with --intercept: stop after the first session'
complete -c smtpscope -l intercept-max-sessions -x -d 'intercepted sessions at once'
complete -c smtpscope -l intercept-idle -x -d 'end an idle intercepted session after SECS'
complete -c smtpscope -l pipe -x -a '(__fish_complete_command)' -d 'talk to a command'
complete -c smtpscope -l bind -x -d 'local address to connect from'
