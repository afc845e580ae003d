#!/usr/bin/env bash
# The Debian packages: cpack builds bindscope-collector and bindscope-agent
# .debs from BUILD_DIR; each is unpacked into a clean root (dpkg-deb -x)
# and checked (control fields, conffile, maintainer script, man page,
# systemd unit verified by systemd-analyze), then the collector is run
# from the unpacked tree with the packaged example configuration, edited
# as an admin would: config check, serve, dashboard, /metrics, backup.
#   tests/e2e/package_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init pkg "$1"

# cpack's Debian generator needs file and dpkg-shlibdeps: name what is
# missing before building rather than after.
missing=""
for t in cpack dpkg-deb dpkg-shlibdeps file man curl sqlite3; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -z "$missing" ] || { echo "package_test: missing:$missing (deploy/setup-deps.sh --test installs them)"; exit 1; }
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb_c=$(ls "$work"/out/bindscope-collector_*_amd64.deb)
deb_a=$(ls "$work"/out/bindscope-agent_*_amd64.deb)
expect "two packages built" bash -c "[ -f '$deb_c' ] && [ -f '$deb_a' ]"
dpkg-deb -f "$deb_c" Package Depends >"$work/control.txt"
expect "collector package depends on the Debian 12 libraries it links" \
	bash -c "grep -q 'libnng1' '$work/control.txt' && grep -q 'libmicrohttpd12' '$work/control.txt' && grep -q 'libsqlite3-0' '$work/control.txt' && grep -q adduser '$work/control.txt'"
mkdir -p "$work/ctl"
dpkg-deb -e "$deb_c" "$work/ctl"
expect "the configuration is a conffile" grep -qx /etc/bindscope/collector.conf "$work/ctl/conffiles"
expect "postinst creates the service user (valid sh)" \
	bash -c "sh -n '$work/ctl/postinst' && grep -q 'adduser --system --group' '$work/ctl/postinst'"

root="$work/root"
dpkg-deb -x "$deb_c" "$root"
dpkg-deb -x "$deb_a" "$root"
for f in usr/bin/bindscope-collector usr/bin/bindscope-agent etc/bindscope/collector.conf \
	etc/bindscope/agent.conf usr/share/bindscope/web-static/index.html \
	usr/share/man/man8/bindscope-collector.8.gz usr/share/man/man8/bindscope-agent.8.gz \
	usr/lib/systemd/system/bindscope-collector.service usr/lib/systemd/system/bindscope-agent.service; do
	[ -e "$root/$f" ] || echo "/$f" >>"$work/missing.txt"
done
expect "packages install binaries, configs, web-static, man pages and units" [ ! -s "$work/missing.txt" ]
expect "man pages render with their sections" bash -c "man -l '$root/usr/share/man/man8/bindscope-collector.8.gz' 2>/dev/null | grep -q '^EXIT STATUS' && man -l '$root/usr/share/man/man8/bindscope-agent.8.gz' 2>/dev/null | grep -q '^SEE ALSO'"
for u in collector agent; do
	sed "s|/usr/bin/|$root/usr/bin/|g" "$root/usr/lib/systemd/system/bindscope-$u.service" >"$work/bindscope-$u.service"
done
if command -v systemd-analyze >/dev/null; then
	expect "systemd units verify" systemd-analyze verify --man=no "$work/bindscope-collector.service" "$work/bindscope-agent.service"
else
	echo "# SKIP systemd-analyze not installed: units not verified"
fi
expect "units harden the service" bash -c "grep -q '^ProtectSystem=strict' '$work/bindscope-collector.service' && grep -q '^NoNewPrivileges=yes' '$work/bindscope-collector.service' && grep -q '^StateDirectory=bindscope' '$work/bindscope-collector.service' && grep -q '^Restart=on-failure' '$work/bindscope-collector.service' && grep -q '^User=bindscope' '$work/bindscope-collector.service'"

# The admin's edit of the packaged configuration, and a run from the tree.
port=$(test_port 4)
sed -e "s|^db = .*|db = $work/state/bindscope.db|" \
	-e "s|^listen = .*|listen = tcp://127.0.0.1:$((port + 1))|" \
	-e "s|^port = .*|port = $port|" \
	-e "s|^web_root = .*|web_root = $root/usr/share/bindscope/web-static|" \
	"$root/etc/bindscope/collector.conf" >"$work/collector.conf"
mkdir -p "$work/state"
expect "the packaged collector accepts the edited example configuration" \
	"$root/usr/bin/bindscope-collector" config check --config "$work/collector.conf"
collector_bin="$root/usr/bin/bindscope-collector" collector_out="$work/serve.log" \
	start_collector "$work/collector.conf" "http://127.0.0.1:$port/metrics"
expect "the packaged collector serves the dashboard" bash -c "curl -sf 'http://127.0.0.1:$port/' | grep -q '<title>bindscope'"
expect "and /metrics" bash -c "curl -sf 'http://127.0.0.1:$port/metrics' | grep -q '^bindscope_reports_total{result=\"accepted\"} 0'"
expect "and a backup while it runs" bash -c "'$root/usr/bin/bindscope-collector' backup --db '$work/state/bindscope.db' --out '$work/backup.db' >/dev/null && [ \"\$(sqlite3 '$work/backup.db' 'pragma integrity_check')\" = ok ]"
stop_collector
expect "and stops cleanly on SIGTERM" grep -q 'event=stopped clean=1' "$work/serve.log"

e2e_done
