# lib.sh: what every end-to-end script shares, sourced after its
# `set -euo pipefail`:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init NAME "$1"      # BUILD_DIR: sets build top agent collector sendraw work
#   expect "what the user sees" COMMAND...
#   e2e_done                # "N passed, M failed"; non-zero when any failed
# The work folder is removed at exit unless BS_KEEP is set (KEEP too).
# shellcheck shell=bash

passes=0
fails=0
pid=""  # the collector start_collector started
spid="" # another server a script started (s_server, a second collector)

ok() { passes=$((passes + 1)); echo "ok - $1"; }
bad() { fails=$((fails + 1)); echo "not ok - $1"; }
expect() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
jqtrue() { # FILE FILTER
	[ "$(jq -r "$2" "$1")" = "true" ]
}

# until_ok SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# 1 when it never did within SECONDS.
until_ok() {
	local tries=$(($1 * 10))
	shift
	for _ in $(seq "$tries"); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

e2e_cleanup() {
	# Kill hard: a script that got here early has nothing left to check.
	[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
	[ -z "$spid" ] || kill -9 "$spid" 2>/dev/null || true
	wait 2>/dev/null || true
	if [ -n "${BS_KEEP:-${KEEP:-}}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}

# e2e_init NAME BUILD_DIR
e2e_init() {
	build=$(cd "$2" && pwd)
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	agent="$build/agent/bindscope-agent"
	collector="$build/collector/bindscope-collector"
	sendraw="$build/tests/sendraw"
	work=$(mktemp -d "/tmp/bs-$1-XXXXXX")
	trap e2e_cleanup EXIT
}

# The collector's readiness, one rule for every script: a log event
# ("event=listening", "event=dashboard") logged after line FROM of LOG,
# so a restart waits for its own, or an HTTP(S) URL that answers with any
# status.
collector_ready() { # READY LOG FROM
	case $1 in
	http://* | https://*) [ "$(curl -sk -o /dev/null -w '%{http_code}' "$1")" != 000 ] ;;
	*) tail -n "+$(($3 + 1))" "$2" | grep -q "$1" ;;
	esac
}

# start_collector CONF [READY]: `serve` in the background ($pid), stdout
# and stderr appended to $collector_out ($work/collector.log); ready when
# READY holds (default event=listening, read from $collector_log, by
# default the same file) within 5 s. $collector_bin runs another binary
# (the packaged one).
start_collector() {
	local out=${collector_out:-$work/collector.log}
	local log=${collector_log:-$out} ready=${2:-event=listening} from=0
	[ -f "$log" ] && from=$(wc -l <"$log")
	"${collector_bin:-$collector}" serve --config "$1" >>"$out" 2>&1 &
	pid=$!
	until_ok 5 collector_ready "$ready" "$log" "$from" && return 0
	echo "# collector not ready ($ready):"
	cat "$log"
	return 1
}

# dashboard_conf FILE DB PORT [LINE...]: a quiet collector serving DB's
# dashboard on 127.0.0.1:PORT (agents on PORT+1); each LINE goes under
# [http].
dashboard_conf() {
	local file=$1 db=$2 port=$3
	shift 3
	{
		printf '[collector]\nlisten = tcp://127.0.0.1:%s\ndb = %s\nlog_level = warn\n' \
			"$((port + 1))" "$db"
		printf '[http]\nport = %s\nweb_root = %s\n' "$port" "$top/web-static"
		printf '%s\n' "$@"
	} >"$file"
}

# stop_collector: SIGTERM, and wait for it to exit.
stop_collector() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
}

e2e_done() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
