#!/bin/sh
# Shell completions: every option `smtpscope --help` names is in the bash,
# zsh and fish files (so they cannot drift apart), and each shell that is
# installed really completes with them: options, the values of --theme and
# --quit-after, the profile names of the config file, file names for
# file options, and the URL schemes.
. "$top_srcdir/tests/lib.sh"

C=$top_srcdir/completions
BASH_FILE=$C/smtpscope.bash
ZSH_FILE=$C/_smtpscope
FISH_FILE=$C/smtpscope.fish

"$SMTPSCOPE" --help >"$TMPD/help" 2>&1
grep -oE -- '(^|[ ,(])--?[a-z0-9][a-z0-9-]*' "$TMPD/help" |
    sed 's/^[ ,(]//' | grep -E -- '^(--[a-z]|-[46]$)' | sort -u >"$TMPD/opts"
if [ "$(wc -l <"$TMPD/opts")" -ge 40 ]; then
	ok "--help names the options ($(wc -l <"$TMPD/opts"))"
else
	not_ok "--help names the options"
	sed 's/^/#   /' "$TMPD/opts"
fi

# in_file NAME FILE LONG-FORMAT SHORT-FORMAT: every option is in FILE, as
# the shell writes it (a format gets the name without its dashes).
in_file() {
	_missing=""
	while read -r opt; do
		name=${opt#-}
		name=${name#-}
		case $opt in
		--*) fmt=$3 ;;
		*) fmt=$4 ;;
		esac
		# shellcheck disable=SC2059
		pat=$(printf "$fmt" "$name")
		grep -qE -- "$pat" "$2" || _missing="$_missing $opt"
	done <"$TMPD/opts"
	if [ -z "$_missing" ]; then ok "$1"; else not_ok "$1"; diag "missing:$_missing"; fi
}
in_file "bash file has every option" "$BASH_FILE" \
    '(^|[[:space:]'"'"'])--%s([[:space:]'"'"']|$)' '(^|[[:space:]'"'"'])-%s([[:space:]]|$)'
in_file "zsh file has every option" "$ZSH_FILE" "'(\\\\*)?(\\([^)]*\\))?--%s[=[]" "\\)-%s\\["
in_file "fish file has every option" "$FISH_FILE" ' -l %s( |$)' ' -s %s( |$)'
# The options of the one-shot send and the transports are completed too.
for opt in to from header body body-file attach auth bdat quit-after dsn-ret \
    dsn-envid dsn-notify dsn-orcpt smtputf8 requiretls size xclient xforward \
    proxy-protocol proxy-source pipe bind json profile; do
	for f in "$BASH_FILE" "$ZSH_FILE" "$FISH_FILE"; do
		grep -qE -- "(--|-l )$opt([^a-z-]|$)" "$f" || echo "$opt in $f"
	done
done >"$TMPD/send-missing"
check "send and transport options in all three files" test ! -s "$TMPD/send-missing"

# A config file with profiles, and files to complete.
mkdir -p "$XDG_CONFIG_HOME/smtpscope" "$TMPD/files"
printf 'theme = dark\n[profile work]\nurl = submission://mail.example\n  [ profile  home-2 ]\nuser = me\n' \
    >"$XDG_CONFIG_HOME/smtpscope/config"
: >"$TMPD/files/script-one.txt"
: >"$TMPD/files/script-two.txt"

# ---- bash
if command -v bash >/dev/null 2>&1; then
	check "bash: the file parses" bash -n "$BASH_FILE"
	# bcomp WORDS...: what _smtpscope offers for the last word.
	bcomp() {
		bash -c '
		[ -r /usr/share/bash-completion/bash_completion ] &&
		    . /usr/share/bash-completion/bash_completion
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_smtpscope smtpscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' "$BASH_FILE" "$@" 2>&1
	}
	bcheck() {
		_name=$1; _want=$2; shift 2
		bcomp "$@" >"$TMPD/bash.out"
		check_grep "bash: $_name" "$_want" "$TMPD/bash.out"
	}
	bcheck "--qu gives --quit-after" '^--quit-after$' smtpscope --qu
	bcheck "--quit-after values" '^rcpt$' smtpscope --quit-after ""
	bcheck "--quit-after=VALUE" '^--quit-after=banner$' smtpscope --quit-after=ban
	bcheck "--theme values" '^high-contrast$' smtpscope --theme h
	bcheck "--profile names from the config" '^home-2$' smtpscope --profile ""
	bcheck "--profile: both profiles" '^work$' smtpscope --profile ""
	bcheck "--script completes files" 'script-two\.txt$' smtpscope --script "$TMPD/files/script-t"
	bcheck "--attach completes files" 'script-one\.txt$' smtpscope --attach "$TMPD/files/script-o"
	: >"$TMPD/files/my report*.pdf"
	bcomp smtpscope --attach "$TMPD/files/my" >"$TMPD/bash.out"
	check "bash: a file name with a blank and a '*' is one candidate" \
	    test "$(cat "$TMPD/bash.out")" = "$TMPD/files/my report*.pdf"
	bcheck "--auth in lower case" '^scram-sha-256$' smtpscope --auth scram-sha-2
	bcheck "--auth in upper case" '^PLAIN$' smtpscope --auth PL
	bcheck "URL schemes" '^submission://$' smtpscope sub
	bcheck "lmtp:// too" '^lmtp://$' smtpscope lm
	bcomp smtpscope --json >"$TMPD/bash.out"
	check_grep "bash: --json" '^--json$' "$TMPD/bash.out"
	bcomp smtpscope --quit-after "" >"$TMPD/bash.out"
	check_nogrep "bash: no options offered as a value" '^--' "$TMPD/bash.out"
else
	ok "bash: # SKIP bash is not installed"
fi

# ---- fish
if command -v fish >/dev/null 2>&1; then
	check "fish: the file parses" fish --no-execute "$FISH_FILE"
	fcomp() {
		HOME=$TMPD fish --no-config -c "source '$FISH_FILE'; complete -C '$1'" 2>&1 | cut -f1
	}
	fcheck() {
		fcomp "$2" >"$TMPD/fish.out"
		check_grep "fish: $1" "$3" "$TMPD/fish.out"
	}
	fcheck "--qu gives --quit-after" 'smtpscope --qu' '^--quit-after$'
	fcheck "--quit-after values" 'smtpscope --quit-after ' '^connect$'
	fcheck "--theme values" 'smtpscope --theme ' '^light$'
	fcheck "--profile names from the config" 'smtpscope --profile ' '^home-2$'
	fcheck "--script completes files" "smtpscope --script $TMPD/files/script-o" 'script-one\.txt$'
	fcheck "URL schemes" 'smtpscope subm' '^submission://$'
else
	ok "fish: # SKIP fish is not installed"
fi

# ---- zsh
if command -v zsh >/dev/null 2>&1; then
	check "zsh: the file parses" zsh -n "$ZSH_FILE"
	# zcheck NAME LINE WANT: ok when zsh, driven through a pty, prints WANT
	# (a fixed string) after LINE<Tab>; it waits for it, up to 20 s.
	cat >"$TMPD/zcomp.zsh" <<'ZEOF'
zmodload zsh/zpty || exit 3
zpty -b z zsh -f -i
zpty -w z "PS1='>'; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; setopt nobeep; LISTMAX=1000; COLUMNS=200; print READY\$((6*7))"
zpty -r z out '*READY42*' || exit 4
zpty -n -w z "$2"$'\t'
zpty -r z out "*$3*" || exit 5
zpty -d z
print -r -- "$out"
ZEOF
	zcheck() {
		if timeout 20 zsh -f "$TMPD/zcomp.zsh" "$C" "$2" "$3" >"$TMPD/zsh.out" 2>&1; then
			ok "zsh: $1"
		else
			not_ok "zsh: $1"
			tr -d '\r' <"$TMPD/zsh.out" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^/#   /' | head -10
		fi
	}
	zcheck "--quit-after values" 'smtpscope --quit-after ' banner
	zcheck "--profile names from the config" 'smtpscope --profile ' home-2
	zcheck "--the gives --theme" 'smtpscope --the' --theme
	zcheck "--script completes files" "smtpscope --script $TMPD/files/script-o" script-one.txt
	zcheck "URL schemes" 'smtpscope subm' submission://
else
	ok "zsh: # SKIP zsh is not installed"
fi

done_testing
