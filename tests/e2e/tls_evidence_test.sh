#!/usr/bin/env bash
# End to end for the TLS, Extended Protection, Auth certificate and HSTS
# evidence: `bindscope-agent collect --root --json` over the faults fleet
# (gen-example-fleet.sh --faults) shows on each of mbx11..mbx26 exactly
# the difference it was seeded with, and nothing else, against mbx01's
# baseline, which is checked value by value first.
#   tests/e2e/tls_evidence_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init tls-evidence "$1"

"$top/deploy/gen-example-fleet.sh" "$work/fleet" --faults >/dev/null
: >"$work/collect.err"
for i in 01 $(seq 11 26); do
	"$agent" collect --root "$work/fleet/mbx$i" --json >"$work/mbx$i.json" 2>>"$work/collect.err"
done
expect "no collection errors on any root" \
	bash -c "[ ! -s '$work/collect.err' ] && jq -es 'map((.errors // []) | length == 0) | all' '$work'/mbx*.json >/dev/null"

# ---- mbx01: the baseline, as seeded --------------------------------------
b="$work/mbx01.json"
# One value as "STATE:DWORD" (protobuf's JSON leaves a 0 out).
defs='def v: "\(.state):\(.dword // 0)"; def p($p; $s): .tls.protocols[] | select(.protocol == $p and .side == $s);'
expect "baseline: SSL 2.0 to TLS 1.1 off on both sides (Enabled=0, DisabledByDefault=1)" jqtrue "$b" \
	"$defs [\"SSL 2.0\", \"SSL 3.0\", \"TLS 1.0\", \"TLS 1.1\"] as \$ps | [\$ps[] as \$p | (\"Server\", \"Client\") as \$s | p(\$p; \$s) | [(.enabled | v), (.disabled_by_default | v)]] | length == 8 and all(. == [\"REG_SET:0\", \"REG_SET:1\"])"
expect "baseline: TLS 1.2 on (Enabled=1, DisabledByDefault=0); TLS 1.3 keys absent" jqtrue "$b" \
	"$defs [(\"Server\", \"Client\") as \$s | (p(\"TLS 1.2\"; \$s) | [(.enabled | v), (.disabled_by_default | v)]), (p(\"TLS 1.3\"; \$s) | [.enabled.state, .disabled_by_default.state])] == [[\"REG_SET:1\", \"REG_SET:0\"], [\"REG_ABSENT\", \"REG_ABSENT\"], [\"REG_SET:1\", \"REG_SET:0\"], [\"REG_ABSENT\", \"REG_ABSENT\"]]"
expect "baseline: .NET v4 and v2, both views: SystemDefaultTlsVersions=1, SchUseStrongCrypto=1" jqtrue "$b" \
	"$defs [.tls.dotnet[] | [.version, (.wow6432 // false), (.system_default_tls_versions | v), (.sch_use_strong_crypto | v)]] == [[\"v4.0.30319\", false, \"REG_SET:1\", \"REG_SET:1\"], [\"v4.0.30319\", true, \"REG_SET:1\", \"REG_SET:1\"], [\"v2.0.50727\", false, \"REG_SET:1\", \"REG_SET:1\"], [\"v2.0.50727\", true, \"REG_SET:1\", \"REG_SET:1\"]]"
expect "baseline: LmCompatibilityLevel 5; SuppressExtendedProtection, renegotiation, cipher suite policy absent" jqtrue "$b" \
	"$defs .tls | [(.lm_compatibility_level | v), .suppress_extended_protection.state, .allow_insecure_renego_clients.state, .allow_insecure_renego_servers.state, .cipher_suite_order.state] == [\"REG_SET:5\", \"REG_ABSENT\", \"REG_ABSENT\", \"REG_ABSENT\", \"REG_ABSENT\"]"
expect "baseline: Windows Server 2019 (17763), the Mailbox role only" jqtrue "$b" \
	'.host | [.os_build, .os_product, .exchange_roles] == ["17763", "Windows Server 2019 Datacenter", ["Mailbox"]]'
expect "baseline: Extended Protection as Exchange configures it, set in each virtual directory" jqtrue "$b" \
	'([.vdirs[] | select(.token_checking_set and .token_checking_from == .path)] | length) == 22 and ([.vdirs[] | {key: .path, value: .token_checking}] | from_entries) == {
	"Default Web Site/API": "Require", "Default Web Site/ecp": "Require", "Default Web Site/owa": "Require", "Default Web Site/rpc": "Require",
	"Default Web Site/Autodiscover": "None", "Default Web Site/EWS": "Allow", "Default Web Site/Microsoft-Server-ActiveSync": "Allow",
	"Default Web Site/OAB": "Allow", "Default Web Site/PowerShell": "None", "Default Web Site/mapi": "Require",
	"Exchange Back End/API": "Require", "Exchange Back End/ecp": "Require", "Exchange Back End/owa": "Require", "Exchange Back End/rpc": "Require",
	"Exchange Back End/Autodiscover": "None", "Exchange Back End/EWS": "Require", "Exchange Back End/Microsoft-Server-ActiveSync": "Require",
	"Exchange Back End/OAB": "Require", "Exchange Back End/PowerShell": "Require", "Exchange Back End/mapi/emsmdb": "Require",
	"Exchange Back End/mapi/nspi": "Require", "Exchange Back End/PushNotifications": "Require"}'
expect "baseline: SSL required but on the front-end PowerShell; no ipSecurity" jqtrue "$b" \
	'[.vdirs[] | select(.ssl_flags | test("^Ssl") | not) | .path] == ["Default Web Site/PowerShell"] and ([.vdirs[] | .ssl_flags_set] | all) and ([.vdirs[] | .allow_unlisted // "TRI_UNKNOWN"] | all(. == "TRI_UNKNOWN"))'
expect "baseline: no HSTS on either site" jqtrue "$b" '[.sites[] | [.hsts, (.sts_header // "")]] == [[null, ""], [null, ""]]'
expect "baseline: one Exchange Auth certificate in My, with its private key, five years" jqtrue "$b" \
	'[.certificates[] | select(.exchange_auth) | [.store, .friendly_name, .has_private_key, .subject, ((.not_after - now) / 86400 | floor > 1800)]] == [["My", "Microsoft Exchange Server Auth Certificate", "TRI_YES", "CN=Microsoft Exchange Server Auth Certificate", true]]'

# ---- each fault and trap: exactly its seeded difference ------------------
jqs() { jq -es "$@" >/dev/null; } # jq -e over all the files given
# Every fact the TLS and Extended Protection rules read, one per line.
flat() {
	jq -r 'def v: "\(.state):\(.dword // 0)\(if (.text // "") != "" then ":" + .text else "" end)";
	(.tls.protocols[] | "\(.protocol) \(.side) Enabled=\(.enabled | v)", "\(.protocol) \(.side) DisabledByDefault=\(.disabled_by_default | v)"),
	(.tls.dotnet[] | "\(.version)\(if .wow6432 then " wow64" else "" end) SystemDefaultTlsVersions=\(.system_default_tls_versions | v)",
		"\(.version)\(if .wow6432 then " wow64" else "" end) SchUseStrongCrypto=\(.sch_use_strong_crypto | v)"),
	(.tls | "LmCompatibilityLevel=\(.lm_compatibility_level | v)", "SuppressExtendedProtection=\(.suppress_extended_protection | v)",
		"AllowInsecureRenegoClients=\(.allow_insecure_renego_clients | v)", "AllowInsecureRenegoServers=\(.allow_insecure_renego_servers | v)",
		"Functions=\(.cipher_suite_order | v)"),
	(.vdirs[] | "\(.path) tokenChecking=\(.token_checking)", "\(.path) sslFlags=\(.ssl_flags)", "\(.path) allowUnlisted=\(.allow_unlisted // "TRI_UNKNOWN")"),
	(.sites[] | "\(.name) hsts=\(.hsts | tojson)", "\(.name) sts=\(.sts_header // "")"),
	"auth=\([.certificates[] | select(.exchange_auth) | .thumbprint] | join(","))",
	"build=\(.host.exchange_build)", "os=\(.host.os_build) \(.host.os_product)", "roles=\(.host.exchange_roles | join(","))"' "$1" | sort
}
flat "$b" >"$work/base.txt"
# only SERVER LINE...: the lines of SERVER's facts that are not mbx01's
# are exactly LINE...
only() {
	local s=$1
	shift
	flat "$work/$s.json" >"$work/$s.txt"
	[ "$(wc -l <"$work/$s.txt")" = "$(wc -l <"$work/base.txt")" ] ||
		{ echo "  $s: not the same facts as mbx01"; return 1; }
	comm -13 "$work/base.txt" "$work/$s.txt" >"$work/$s.diff"
	diff -u <(printf '%s\n' "$@" | sort) "$work/$s.diff"
}
expect "mbx11: TLS 1.0 enabled, Server and Client" only mbx11 \
	"TLS 1.0 Server Enabled=REG_SET:1" "TLS 1.0 Server DisabledByDefault=REG_SET:0" \
	"TLS 1.0 Client Enabled=REG_SET:1" "TLS 1.0 Client DisabledByDefault=REG_SET:0"
expect "mbx12: TLS 1.1 Server half-disabled (Enabled=0, DisabledByDefault=0)" only mbx12 \
	"TLS 1.1 Server DisabledByDefault=REG_SET:0"
expect "mbx13: TLS 1.2 disabled, Server and Client" only mbx13 \
	"TLS 1.2 Server Enabled=REG_SET:0" "TLS 1.2 Server DisabledByDefault=REG_SET:1" \
	"TLS 1.2 Client Enabled=REG_SET:0" "TLS 1.2 Client DisabledByDefault=REG_SET:1"
expect "mbx14: .NET v4 32-bit view SchUseStrongCrypto=0" only mbx14 "v4.0.30319 wow64 SchUseStrongCrypto=REG_SET:0"
expect "mbx15: Default Web Site/EWS tokenChecking Require" only mbx15 "Default Web Site/EWS tokenChecking=Require"
expect "mbx16: Exchange Back End/owa tokenChecking None" only mbx16 "Exchange Back End/owa tokenChecking=None"
expect "mbx17: LmCompatibilityLevel 2" only mbx17 "LmCompatibilityLevel=REG_SET:2"
expect "mbx18: HSTS on the Exchange Back End site, a year" only mbx18 \
	'Exchange Back End hsts={"enabled":"TRI_YES","max_age":31536000}'
expect "mbx19: HSTS on the Default Web Site, a day" only mbx19 \
	'Default Web Site hsts={"enabled":"TRI_YES","max_age":86400}'
auth01=$(jq -r '.certificates[] | select(.exchange_auth) | .thumbprint' "$b")
flat "$work/mbx20.json" | comm -13 "$work/base.txt" - >"$work/mbx20.diff"
expect "mbx20: its only difference is the Auth certificate, not the fleet's" \
	bash -c "[ \$(wc -l <'$work/mbx20.diff') = 1 ] && grep -Eq '^auth=[0-9A-F]{40}$' '$work/mbx20.diff' && ! grep -q '$auth01' '$work/mbx20.diff'"
expect "mbx20: that Auth certificate expires in 30 days, and it is the only one" jqtrue "$work/mbx20.json" \
	'[.certificates[] | select(.exchange_auth) | (.not_after - now) / 86400 | . > 29 and . <= 30] == [true]'
expect "mbx21: AllowInsecureRenegoClients=1" only mbx21 "AllowInsecureRenegoClients=REG_SET:1"
expect "mbx22 (trap): TLS 1.2 Enabled 0xffffffff, read as written" only mbx22 \
	"TLS 1.2 Server Enabled=REG_SET:4294967295" "TLS 1.2 Client Enabled=REG_SET:4294967295"
expect "mbx23 (trap): no .NET files: every .NET value unreadable" only mbx23 \
	"v4.0.30319 SystemDefaultTlsVersions=REG_UNREADABLE:0" "v4.0.30319 SchUseStrongCrypto=REG_UNREADABLE:0" \
	"v4.0.30319 wow64 SystemDefaultTlsVersions=REG_UNREADABLE:0" "v4.0.30319 wow64 SchUseStrongCrypto=REG_UNREADABLE:0" \
	"v2.0.50727 SystemDefaultTlsVersions=REG_UNREADABLE:0" "v2.0.50727 SchUseStrongCrypto=REG_UNREADABLE:0" \
	"v2.0.50727 wow64 SystemDefaultTlsVersions=REG_UNREADABLE:0" "v2.0.50727 wow64 SchUseStrongCrypto=REG_UNREADABLE:0"
expect "mbx23 (trap): each unreadable .NET value says why" jqtrue "$work/mbx23.json" \
	'[.tls.dotnet[] | .system_default_tls_versions, .sch_use_strong_crypto | .reason] | length == 8 and all(. == "the key is not in the registry exports")'
expect "mbx24 (trap): Exchange Back End/EWS None with allowUnlisted false" only mbx24 \
	"Exchange Back End/EWS tokenChecking=None" "Exchange Back End/EWS allowUnlisted=TRI_NO"
mapfile -t none25 < <(jq -r '.vdirs[] | select(.token_checking != "None") | "\(.path) tokenChecking=None"' "$b")
expect "mbx25 (trap): 15.2.986.26, tokenChecking None in every virtual directory" only mbx25 \
	"build=15.2.986.26" "${none25[@]}"
expect "  ... (19 directories that are not None at the baseline)" [ "${#none25[@]}" = 19 ]
expect "mbx26 (trap): TLS 1.3 keys present, off (Enabled=0, DisabledByDefault=1)" only mbx26 \
	"TLS 1.3 Server Enabled=REG_SET:0" "TLS 1.3 Server DisabledByDefault=REG_SET:1" \
	"TLS 1.3 Client Enabled=REG_SET:0" "TLS 1.3 Client DisabledByDefault=REG_SET:1"
expect "the fleet's Auth certificate is the same on every server but mbx20" \
	jqs --arg a "$auth01" '[.[] | [.certificates[] | select(.exchange_auth) | .thumbprint]] | length == 17 and (map(select(. == [$a])) | length) == 16' "$work"/mbx*.json

e2e_done
