# bash completion for smtpscope(1).
#
# Works with or without the bash-completion package: only COMP_WORDS,
# compgen and compopt are used.  The lists below must name every option
# of `smtpscope --help` (tests/integration/completions.sh checks it).

# Options that take no argument.
_smtpscope_flags='-4 -6 --step --serve-require-auth --serve-tls-auth
	--serve-require-tls --serve-plain --insecure --show-secrets --timing
	--no-color --starttls --allow-plaintext --help --version --json --bdat
	--smtputf8 --requiretls --size --dsn-orcpt --lesson --dane --once --tls-report'
# Options whose argument is a file.
_smtpscope_file_opts='--script --replay --export-html --ca-file --cert --key
	--password-file --log --serve-log --body-file --attach --dns-trust-anchor'
# Options whose argument is a directory.
_smtpscope_dir_opts='--maildir'
# Options with some other argument.
_smtpscope_arg_opts='--explain --serve --serve-smtps --serve-max-sessions
	--serve-max-per-addr --serve-idle --serve-max-time --serve-max-memory
	--maildir-quota --tls-priority --sni --timeout --user --password-env
	--log-max --max-transcript --theme --profile --to --from --header --body
	--auth --ehlo --bdat-chunk --quit-after --dsn-ret --dsn-envid --dsn-notify
	--xclient --xforward --proxy-protocol --proxy-source --proxy-dest --pipe --bind
	--dns --intercept --intercept-max-sessions --intercept-idle
	--mta-sts --mta-sts-mx'

# The profile names in the config file (as smtpscope finds it).
_smtpscope_profiles()
{
	local conf
	case ${XDG_CONFIG_HOME-} in
	/*) conf=$XDG_CONFIG_HOME/smtpscope/config ;;
	*) conf=${HOME-}/.config/smtpscope/config ;;
	esac
	[ -r "$conf" ] || return 0
	sed -n 's/^[[:space:]]*\[[[:space:]]*profile[[:space:]][[:space:]]*\([A-Za-z0-9._-][A-Za-z0-9._-]*\)[[:space:]]*\].*$/\1/p' "$conf" 2>/dev/null
}

# Candidates for the argument of option $1 matching $2, into COMPREPLY.
_smtpscope_arg()
{
	local opt=$1 cur=$2 words
	case $opt in
	--theme) words='dark light high-contrast' ;;
	--quit-after) words='connect banner ehlo tls auth mail rcpt' ;;
	--profile) words=$(_smtpscope_profiles) ;;
	--auth) words='PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-1-PLUS
		SCRAM-SHA-256 SCRAM-SHA-256-PLUS DIGEST-MD5 NTLM XOAUTH2
		OAUTHBEARER EXTERNAL GSSAPI'
		# Any case is taken: lower case completes lower case.
		case $cur in
		[a-z]*) words=$(echo "$words" | tr 'A-Z' 'a-z') ;;
		esac ;;
	--dsn-ret) words='full hdrs' ;;
	--dsn-notify) words='never success failure delay success,failure
		success,failure,delay failure,delay' ;;
	--proxy-protocol) words='1 2' ;;
	--password-env) COMPREPLY=($(compgen -v -- "$cur")); return ;;
	--pipe) compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return ;;
	--explain) words='220 221 235 250 334 354 421 450 451 452 454 500 501
		502 503 504 530 534 535 538 550 551 552 553 554 5.7.1 5.7.8
		5.1.1' ;;
	*)
		case " $(echo $_smtpscope_file_opts) " in
		*" $opt "*)
			# One name a line: a blank or '*' in a name stays.
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return ;;
		esac
		case " $(echo $_smtpscope_dir_opts) " in
		*" $opt "*)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return ;;
		esac
		COMPREPLY=()
		return ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

_smtpscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= opt
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()

	# --opt=value, whether or not COMP_WORDBREAKS splits at '='.
	if [ "$cur" = "=" ] && [[ $prev == --* ]]; then
		_smtpscope_arg "$prev" ""
		return
	fi
	if [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
		_smtpscope_arg "${COMP_WORDS[COMP_CWORD-2]}" "$cur"
		return
	fi
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		_smtpscope_arg "$opt" "${cur#*=}"
		local i
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$opt=${COMPREPLY[i]}
		done
		return
	fi

	# The word after an option that takes an argument.
	case " $(echo $_smtpscope_file_opts $_smtpscope_dir_opts $_smtpscope_arg_opts) " in
	*" $prev "*)
		_smtpscope_arg "$prev" "$cur"
		return ;;
	esac

	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$_smtpscope_flags $_smtpscope_file_opts \
		    $_smtpscope_dir_opts $_smtpscope_arg_opts" -- "$cur"))
		;;
	*)
		# A target: the URL schemes.
		compopt -o nospace 2>/dev/null
		COMPREPLY=($(compgen -W 'smtp:// smtps:// submission:// lmtp://
		    mx://' -- "$cur"))
		;;
	esac
}
complete -F _smtpscope smtpscope
