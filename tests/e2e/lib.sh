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
	rawpeer="$build/tests/rawpeer"
	forge="$build/tests/forge"
	ingest_bench="$build/tests/ingest_bench"
	work=$(mktemp -d "/tmp/bs-$1-XXXXXX")
	# The agent's watchdog cuts a sweep short above max_memory_mib of
	# resident memory (64 MiB by default, for a release build: 12 MiB
	# flat over a sweep a second). Under AddressSanitizer the shadow
	# memory and the quarantine of freed blocks count as resident too:
	# 26 MiB at start, past 64 MiB after a minute of sweeps, and every
	# report from then on was an empty one the collector refused
	# (fault.restart). So agents in a sanitizer build get 1 GiB.
	agent_memory=64
	! grep -q '^BS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null || agent_memory=1024
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

# test_port SLOT: this run's base port for the test script given SLOT
# (one per script: 0 transport, 1 fleet, 2 faults, 3 ops, 4 package,
# 5 evidence, 6 msi, 8 collect; 7 and 9 are the fault tests' 17xxx and the
# browser tests' 19xxx). The port and the nine above it are the script's.
# All below the kernel's ephemeral range (32768 up), so that no outgoing
# connection (another test's, or the front's relays) holds one of them.
test_port() { echo $((10000 + $1 * 1000 + ($$ % 90) * 10)); }

# stop_collector_within SECONDS: like stop_collector, but false (and the
# collector killed) if it has not stopped within SECONDS; $stop_ms is how
# long it took.
stop_collector_within() {
	local t0 i
	t0=$(date +%s%N)
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	stop_ms=$((($(date +%s%N) - t0) / 1000000))
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
		return 1
	fi
	wait "$pid" 2>/dev/null || true
	pid=""
}

# figure WHAT VALUE: one measured figure (the fault suite prints these;
# the README's Security figures are copied from them).
figure() { echo "figure: $1: $2"; }

# soak: true under BINDSCOPE_FAULT_SOAK=1, when fault tests run longer.
soak() { [ "${BINDSCOPE_FAULT_SOAK:-0}" = 1 ]; }

# pki_enroll HOST...: a CA in $work/pki (made on first use) and an agent
# identity $work/id-HOST (agent.pem, agent.key, ca.pem) for each HOST.
pki_enroll() {
	[ -f "$work/pki/ca.pem" ] || "$collector" pki init --dir "$work/pki" >/dev/null
	for h in "$@"; do
		"$collector" pki issue --dir "$work/pki" --host "$h" --out "$work/id-$h" >/dev/null
	done
}

# pki_enroll_until HOST SECONDS: like pki_enroll, but the certificate
# ($work/id-HOST) expires SECONDS from now (openssl ca: `pki issue` gives
# whole days).
pki_enroll_until() {
	local d="$work/id-$1" c="$work/shortca"
	[ -f "$work/pki/ca.pem" ] || "$collector" pki init --dir "$work/pki" >/dev/null
	"$agent" enroll --csr --host "$1" --out "$d" >/dev/null
	mkdir -p "$c" && : >"$c/index.txt" && echo 1000 >"$c/serial"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nserial = %s/serial\nnew_certs_dir = %s\npolicy = p\ndefault_md = sha256\n[p]\ncommonName = supplied\n[x]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = clientAuth\nsubjectAltName = DNS:%s\n' \
		"$c" "$c" "$c" "$1" >"$c/ca.cnf"
	openssl ca -batch -notext -config "$c/ca.cnf" -extensions x -subj "/CN=$1" \
		-cert "$work/pki/ca.pem" -keyfile "$work/pki/ca.key" -in "$d/agent.csr" -out "$d/agent.pem" \
		-startdate "$(date -u -d '-5 min' +%Y%m%d%H%M%SZ)" \
		-enddate "$(date -u -d "+$2 sec" +%Y%m%d%H%M%SZ)" 2>/dev/null
	cp "$work/pki/ca.pem" "$d/ca.pem"
}

# agent_port_conf FILE URL DB [LINE...]: a collector serving only the
# agent port (dashboard off, log_level info); a tls+tcp:// URL gets the
# [tls] files of $work/pki (pki_enroll). Each LINE goes under [collector].
agent_port_conf() {
	local file=$1 url=$2 db=$3
	shift 3
	{
		printf '[collector]\nlisten = %s\ndb = %s\n' "$url" "$db"
		printf '%s\n' "$@"
		printf '[http]\nport = 0\n'
		case $url in
		tls+*) printf '[tls]\nca_file = %s\ncert_file = %s\nkey_file = %s\nrevoked_file = %s\n' \
			"$work/pki/ca.pem" "$work/pki/server.pem" "$work/pki/server.key" "$work/pki/revoked.txt" ;;
		esac
	} >"$file"
}

# agent_conf FILE URL ROOT STATE [IDENTITY [LINE...]]: an agent sending
# ROOT's evidence to URL, its state in STATE; over tls+tcp:// with the
# identity folder IDENTITY (pki_enroll's $work/id-HOST; "" for none).
# Send timeout 3 s; each LINE goes under [agent].
agent_conf() {
	local file=$1 url=$2 root=$3 state=$4 id=${5:-}
	shift $(($# < 5 ? $# : 5))
	{
		printf '[agent]\nroot = %s\ncollector = %s\nstate_dir = %s\nsend_timeout = 3s\nmax_memory_mib = %s\n' \
			"$root" "$url" "$state" "$agent_memory"
		printf '%s\n' "$@"
		[ -z "$id" ] || printf '[tls]\nca_file = %s/ca.pem\ncert_file = %s/agent.pem\nkey_file = %s/agent.key\nserver_name = localhost\n' \
			"$id" "$id" "$id"
	} >"$file"
}

# reports_in DB [SQL-TAIL]: number of stored reports (e.g. "where ...").
reports_in() { sqlite3 "$1" "select count(*) from reports ${2:-}"; }

e2e_done() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
