#!/usr/bin/env bash
# Fault: guessing dashboard passwords. Before, every guess was checked (28
# to 41 a second) and a wrong password took 25-31 ms for a user that
# exists but under 0.5 ms for one that does not, so user names could be
# enumerated. Now failures are throttled per address and per user name
# (429 with Retry-After once the free ones are spent), and an unknown
# name costs the same hash as a known one.
#   tests/fault/auth_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init auth-fault "$1"
port=18130
secs=${BINDSCOPE_FAULT_SOAK:+60}
secs=${secs:-10}

echo "correct horse battery" | "$collector" http-user --file "$work/users" --user admin >/dev/null
echo "staple of the ops team" | "$collector" http-user --file "$work/users" --user ops >/dev/null
echo "timing only, long enough" | "$collector" http-user --file "$work/users" --user clerk >/dev/null
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
"$collector" import --db "$work/bs.db" "$work"/fleet/mbx01 >/dev/null 2>&1
dashboard_conf "$work/c.conf" "$work/bs.db" "$port" "users_file = $work/users"
start_collector "$work/c.conf" "http://127.0.0.1:$port/"
url="http://127.0.0.1:$port/api/summary"

# Time of a wrong password, known name against unknown names: five each
# (the free failures), each from its own address, the median.
median() { sort -n | sed -n '3p'; }
# Alternated, so that the collector's start-up work and the machine's
# load weigh on both alike.
for i in 1 2 3 4 5; do
	curl -s -o /dev/null -w '%{time_total}\n' --interface 127.0.0.30 -u "clerk:wrong$i" "$url" >>"$work/known.t"
	curl -s -o /dev/null -w '%{time_total}\n' --interface 127.0.0.31 -u "nobody$i:wrong$i" "$url" >>"$work/unknown.t"
done
known=$(median <"$work/known.t")
unknown=$(median <"$work/unknown.t")
diff_ms=$(echo "($known - $unknown) * 1000" | bc -l | xargs printf '%.1f')
expect "a wrong password costs an unknown name as much as a known one (known $known s, unknown $unknown s)" \
	[ "$(echo "$unknown > $known * 0.6" | bc -l)" = 1 ]

# Brute force on admin from one address, one guess after another.
checked=0
throttled=0
retry=""
end=$(($(date +%s) + secs))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	i=$((i + 1))
	code=$(curl -s -D "$work/h.txt" -o /dev/null -w '%{http_code}' --interface 127.0.0.40 \
		-u "admin:guess$i" "$url")
	case $code in
	401) checked=$((checked + 1)) ;;
	429)
		throttled=$((throttled + 1))
		[ -n "$retry" ] || retry=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/Ip' "$work/h.txt")
		;;
	esac
done
rate=$(echo "scale=2; $checked / $secs" | bc)
expect "guesses checked: at most 2 a second ($checked in $secs s, $throttled refused 429)" \
	[ "$(echo "$rate <= 2" | bc)" = 1 ]
expect "a refused guess says when to retry (Retry-After: $retry)" [ -n "$retry" ]
# From another address the same name is locked too (per user), while
# another user signs in.
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.41 -u "admin:guess-more" "$url")
expect "the attacked name is locked from any address (got $code)" [ "$code" = 429 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -u "ops:staple of the ops team" "$url")
expect "another user still signs in (got $code)" [ "$code" = 200 ]
curl -s -u "ops:staple of the ops team" "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
expect "/metrics counts the throttled and the failed logins" \
	bash -c "grep -Eq '^bindscope_http_refused_total\{reason=\"login_throttled\"\} [1-9]' '$work/metrics.txt' &&
		grep -Eq '^bindscope_http_refused_total\{reason=\"login_failed\"\} [1-9]' '$work/metrics.txt'"
echo "figure: brute force on one user from one address: guesses checked per second: $rate ($checked in $secs s; $i tried)"
echo "figure: wrong password, known vs unknown user: $known s vs $unknown s (difference $diff_ms ms)"
stop_collector

e2e_done
