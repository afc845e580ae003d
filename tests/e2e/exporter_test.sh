#!/usr/bin/env bash
# End to end for the offline audit: what deploy/windows/Export-BindscopeEvidence.ps1
# writes, read by `bindscope-agent collect --root` and `bindscope-collector
# import`, as a folder and as a zip. PowerShell cannot run here: the
# script's path constants are checked against the agent's, and
# tests/e2e/fake-export.sh lays out the export it would write (checked
# against the script too), zipped by tests/e2e/mkzip as ZipFile writes on
# .NET 4.6.1+ (forward slashes) and as Compress-Archive in 5.1 writes
# (backslashes, "made by" MS-DOS), with and without a base folder.
#   tests/e2e/exporter_test.sh BUILD_DIR
set -euo pipefail

. "$(dirname "$0")/lib.sh"
e2e_init exporter "$1"
mkzip="$build/tests/mkzip"
ps1="$top/deploy/windows/Export-BindscopeEvidence.ps1"
src="$top/agent/source"
# Extraction folders are made here, so the test can see none stays.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"

# ---- The script and the agent agree on every path ----------------------
ps_const() { sed -n "s/^\\\$$1 = '\\(.*\\)'\$/\\1/p" "$ps1"; }
c_define() { sed -n "s/^#define $2 \"\\(.*\\)\"\$/\\1/p" "$src/$1" | sed 's/\\\\/\\/g'; }
norm() { printf '%s' "$1" | tr '\\' '/' | tr 'A-Z' 'a-z'; }
same() { [ -n "$1" ] && [ "$(norm "$1")" = "$(norm "$2")" ]; }
expect "applicationHost.config: script and agent name the same path" \
	same "$(ps_const IisConfigRel)" "$(c_define iis_config.c IIS_CONFIG_PATH)"
expect "certificate stores: same folder" same "$(ps_const CertStoreRel)" "$(c_define certstore_dir.c CERTSTORE_DIR)"
expect "netsh output: same file" same "$(ps_const NetshRel)" "$(c_define sslbind.c NETSH_PATH)"
expect "registry exports: same folder" \
	bash -c "grep -q 'bs_fs_resolve(s->root, \"registry\"' '$src/reg_evidence.c' && [ '$(ps_const RegistryRel)' = registry ]"
expect "HttpProxy logs: same folder under the install path" \
	bash -c "grep -q '\"Logging/HttpProxy\"' '$src/logs.c' && [ '$(norm "$(ps_const HttpProxyRel)")' = logging/httpproxy ]"
expect "IIS logs: same default folder" same "$(ps_const IisLogDefault)" "$(c_define iis_config.c IIS_DEFAULT_LOGDIR)"
expect "IIS logs: a site's folder is W3SVC<id> in both" \
	bash -c "grep -q 'W3SVC%u' '$src/iis_config.c' && grep -q '\"W3SVC\$(\$site.GetAttribute(.id.))\"' '$ps1'"

# The script's registry table: "name<TAB>key" lines.
sed -n "/^\\\$RegistryKeys = \\[ordered\\]@{/,/^}/ s/^ *'\\([^']*\\)' *= *'\\([^']*\\)'.*/\\1\t\\2/p" "$ps1" >"$work/ps-keys.tsv"
expect "the script exports at least the 14 keys it lists" [ "$(wc -l <"$work/ps-keys.tsv")" -ge 14 ]
# Every key the agent reads, from its sources: KEY_* defines, and the
# http.sys binding kinds under KEY_HTTP.
khttp=$(c_define sslbind.c KEY_HTTP)
{
	grep -ho '^#define KEY_[A-Z_]* "HKLM[^"]*"' "$src"/*.c | grep -v '^#define KEY_HTTP ' |
		sed 's/^[^"]*"\(.*\)"$/\1/; s/\\\\/\\/g'
	grep -o '{"Ssl[A-Za-z]*BindingInfo"' "$src/sslbind.c" | sed 's/^{"//; s/"$//' |
		while IFS= read -r sub; do printf '%s\\%s\n' "$khttp" "$sub"; done
} >"$work/agent-keys.txt"
# The keys the spec lists for the exporter (../shared/spec/evidence-root.md,
# tls-and-protection.md), one value-holding key each.
cat >"$work/spec-keys.txt" <<'EOF'
HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:444
HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslSniBindingInfo\mail.contoso.com:443
HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslCcsBindingInfo\0.0.0.0:443
HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup
HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters
HKLM\SYSTEM\CurrentControlSet\Services\MSExchange OWA
HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server
HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\SSL 3.0\Client
HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL
HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319
HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319
HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727
HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727
HKLM\SYSTEM\CurrentControlSet\Control\Lsa
HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
EOF
# covered FILE: every key of FILE is a key the script exports or lies under one.
covered() {
	local k ok_all=0
	while IFS= read -r k; do
		if ! awk -F'\t' -v k="$(norm "$k")" '
			{ s = tolower($2); gsub(/\\/, "/", s) }
			k == s || index(k, s "/") == 1 { found = 1 }
			END { exit !found }' "$work/ps-keys.tsv"; then
			echo "  not exported: $k"
			ok_all=1
		fi
	done <"$1"
	return $ok_all
}
expect "every registry key the agent reads is exported ($(wc -l <"$work/agent-keys.txt") keys)" \
	bash -c "[ \$(wc -l <'$work/agent-keys.txt') -ge 7 ]"
expect "  ... by a key of the script's table" covered "$work/agent-keys.txt"
expect "every registry key of the spec is exported" covered "$work/spec-keys.txt"
stores=$(sed -n "s/^\\\$CertStores = @(\\(.*\\))\$/\\1/p" "$ps1")
expect "certificate stores My, Root, WebHosting and CA are taken" \
	bash -c "for s in My Root WebHosting CA; do echo \"$stores\" | grep -q \"'\$s'\" || exit 1; done"
expect "the stores http.sys bindings name are taken too" \
	grep -q "GetValue('SslCertStoreName')" "$ps1"

# ---- The stand-in export has the script's shape -------------------------
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
"$top/tests/e2e/fake-export.sh" "$work/fleet/mbx01" "$work/exp"
"$top/tests/e2e/fake-export.sh" "$work/fleet/mbx01" "$work/exp-d" d
exp="$work/exp"
utf8_of() { iconv -f UTF-16LE -t UTF-8 "$1" | sed '1s/^\xef\xbb\xbf//'; }
# shape ROOT: every file of ROOT is one the script writes, in its format.
shape() {
	local root=$1 f rel name key bad_one=0 install iisdef
	install=$(utf8_of "$root/registry/exchange-setup.reg" | tr -d '\r' |
		sed -n 's/^"MsiInstallPath"="[A-Za-z]:\\\\\(.*\)"$/\1/p' | sed 's/\\\\/\//g; s|/$||')
	iisdef=$(sed -n 's/.*<siteDefaults>.*//p; s/.*<logFile [^>]*directory="\([^"]*\)".*/\1/p' "$root/$(ps_const IisConfigRel | tr '\\' /)" |
		sed 's/%SystemDrive%/C:/; s/^[A-Za-z]:\\//; s/\\/\//g' | tr '\n' ' ')
	while IFS= read -r f; do
		rel=${f#"$root"/}
		case $rel in
		"$(ps_const IisConfigRel | tr '\\' /)") ;;
		"$(ps_const NetshRel | tr '\\' /)")
			[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = fffe ] || { echo "  $rel: not UTF-16LE with BOM"; bad_one=1; } ;;
		registry/*.reg)
			name=$(basename "$rel" .reg)
			key=$(N=$name awk -F'\t' '$1 == ENVIRON["N"] { print $2 }' "$work/ps-keys.tsv")
			if [ -z "$key" ]; then echo "  $rel: no such name in the script's table"; bad_one=1; continue; fi
			[ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = fffe ] || { echo "  $rel: no UTF-16LE BOM"; bad_one=1; }
			[ "$(utf8_of "$f" | head -1)" = $'Windows Registry Editor Version 5.00\r' ] || { echo "  $rel: first line"; bad_one=1; }
			utf8_of "$f" | grep -qv $'\r$' && { echo "  $rel: a line without CRLF"; bad_one=1; }
			utf8_of "$f" | tr -d '\r' | grep '^\[' | sed 's/^\[-\{0,1\}HKEY_LOCAL_MACHINE\\/HKLM\\/; s/\]$//' |
				K=$key awk '{ k = ENVIRON["K"] } index($0, k) != 1 || (length($0) > length(k) && substr($0, length(k) + 1, 1) != "\\") { print; bad = 1 } END { exit bad }' >/dev/null ||
				{ echo "  $rel: holds keys outside $key"; bad_one=1; } ;;
		certstore/LocalMachine/*/*.cer | certstore/LocalMachine/*/*.json)
			name=$(basename "$rel"); name=${name%.*}
			[[ $name =~ ^[0-9A-F]{40}$ ]] || { echo "  $rel: not named by an upper-case thumbprint"; bad_one=1; }
			if [ "${rel##*.}" = cer ]; then
				[ "$(openssl x509 -inform DER -in "$f" -noout -fingerprint -sha1 2>/dev/null | sed 's/.*=//; s/://g')" = "$name" ] ||
					{ echo "  $rel: not DER of that thumbprint"; bad_one=1; }
				[ -e "${f%.cer}.json" ] || { echo "  $rel: no .json beside it"; bad_one=1; }
			else
				[ "$(head -c 1 "$f")" = "{" ] && jq -e 'keys == ["FriendlyName", "HasPrivateKey"] and (.HasPrivateKey | type) == "boolean"' "$f" >/dev/null ||
					{ echo "  $rel: not ConvertTo-Json of FriendlyName and HasPrivateKey, without BOM"; bad_one=1; }
			fi ;;
		"$install/$(ps_const HttpProxyRel | tr '\\' /)"/*/*.LOG) ;;
		*/W3SVC[0-9]*/*.log)
			local hit=0 d
			for d in $iisdef; do case $rel in "$d"/W3SVC*) hit=1 ;; esac; done
			[ $hit = 1 ] || { echo "  $rel: not under an IIS logFile directory of the config"; bad_one=1; } ;;
		*) echo "  $rel: the script writes no such file"; bad_one=1 ;;
		esac
	done < <(find "$root" -type f | sort)
	return $bad_one
}
expect "export (C:): every file is one the script writes, in the tool's format" shape "$exp"
expect "export (D:): the same, logs on another drive without their letter" shape "$exp-d"
ls "$exp/registry" | sed 's/\.reg$//' | sort >"$work/exp-names.txt"
expect "export: a file for every key of the table" \
	diff -u <(cut -f1 "$work/ps-keys.tsv" | sort) "$work/exp-names.txt"
# tombstone FILE KEY: the script's file for a key the server lacks:
# UTF-16LE with BOM, CRLF, the first line, then only the deletion line
# of that key.
tombstone() {
	[ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = fffe ] &&
		! utf8_of "$1" | grep -qv $'\r$' &&
		[ "$(utf8_of "$1" | head -1)" = $'Windows Registry Editor Version 5.00\r' ] &&
		[ "$(utf8_of "$1" | tr -d '\r' | sed 1d | grep -v '^$')" = "[-${2/#HKLM\\/HKEY_LOCAL_MACHINE\\}]" ]
}
: >"$work/absent.txt"
while IFS=$'\t' read -r name key; do
	if utf8_of "$exp/registry/$name.reg" | grep -q '^\[-'; then
		echo "$name" >>"$work/absent.txt"
		expect "tombstone $name.reg: BOM, CRLF, first line, one [-HKEY_LOCAL_MACHINE\\...] line of its key" \
			tombstone "$exp/registry/$name.reg" "$key"
	fi
done <"$work/ps-keys.tsv"
expect "export: the keys reported absent are exactly the tombstoned ones this server lacks" \
	diff -u <(printf 'cipher-suite-policy\nexchange-clientaccessrole\nexchange-edgerole\nhttp-sslccsbindinginfo\n') <(sort "$work/absent.txt")

# ---- collect --root: the folder and each zip give the same report ------
"$mkzip" "$work/forward.zip" "$exp"
"$mkzip" --backslash --msdos "$work/compress-archive.zip" "$exp"
"$mkzip" --backslash --msdos --base bindscope-evidence-MBX01-20261202T101500Z "$work/base.zip" "$exp"
"$mkzip" --msdos "$work/d.zip" "$exp-d"
expect "the Compress-Archive zip really has backslash names" \
	bash -c "grep -c 'registry\\\\tcpip.reg' '$work/compress-archive.zip' >/dev/null"
facts() { jq -S 'del(.agent) | del(.log_samples[].examples)' "$1"; }
for v in exp forward.zip compress-archive.zip base.zip d.zip fleet/mbx01; do
	set +e
	"$agent" collect --root "$work/$v" --since all --json >"$work/$(basename "$v").json" 2>"$work/$(basename "$v").err"
	echo $? >"$work/$(basename "$v").rc"
	set -e
done
expect "folder: exit 0, no collection errors, 2 sites, 3 http.sys bindings, 5 certificates" jqtrue "$work/exp.json" \
	'((.errors // []) | length == 0) and (.sites | length) == 2 and (.ssl_bindings | length) == 3 and (.certificates | length) == 5'
expect "folder: tombstoned keys read as absent (cipher suite policy, roles), present ones as set" jqtrue "$work/exp.json" \
	'.tls.cipher_suite_order.state == "REG_ABSENT" and .host.exchange_roles == ["Mailbox"] and .host.os_build == "17763" and ([.tls.dotnet[] | .sch_use_strong_crypto.state] | all(. == "REG_SET")) and ([.certificates[] | select(.exchange_auth)] | length) == 1'
expect "the export's TLS and Extended Protection facts are the server's own" \
	diff -u <(jq -S '[.tls, .vdirs, (.host | {os_build, os_product, exchange_roles})]' "$work/mbx01.json") <(jq -S '[.tls, .vdirs, (.host | {os_build, os_product, exchange_roles})]' "$work/exp.json")
expect "folder: every https binding joined to its certificate" jqtrue "$work/exp.json" \
	'[.sites[].bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK")'
expect "folder: the namespace certificate chains to Root through the exported CA store" jqtrue "$work/exp.json" \
	'[.certificates[] | select(.common_name == "mail.corp.example") | .chains_to_root] == ["TRI_YES"]'
expect "folder: HttpProxy and IIS logs counted (3 protocols, 2 sites)" jqtrue "$work/exp.json" \
	'([.log_samples[] | select(.kind == "LOG_HTTPPROXY")] | length) == 3 and ([.log_samples[] | select(.kind == "LOG_W3C")] | length) == 2 and ([.log_samples[].lines_read] | add) == 960'
for z in forward compress-archive base; do
	expect "$z.zip: exit 0 and the same facts as the folder" \
		bash -c "[ \$(cat '$work/$z.zip.rc') = 0 ] && diff -u <(jq -S 'del(.agent) | del(.log_samples[].examples)' '$work/exp.json') <(jq -S 'del(.agent) | del(.log_samples[].examples)' '$work/$z.zip.json')"
done
expect "the zip's report names the zip as its source" jqtrue "$work/compress-archive.zip.json" \
	"(.agent.source == \"evidence-root:$work/compress-archive.zip\")"
expect "the export reads as the server's own evidence root does (bindings, certificates, log counts)" \
	diff -u <(jq -S '[.sites, .ssl_bindings, [.certificates[].thumbprint], [.log_samples[] | [.folder, .statuses]]]' "$work/mbx01.json") \
	<(jq -S '[.sites, .ssl_bindings, [.certificates[].thumbprint], [.log_samples[] | [.folder, .statuses]]]' "$work/exp.json")
expect "D: zip: logs found at the install path and IIS folders of the evidence" jqtrue "$work/d.zip.json" \
	'[.log_samples[] | .folder] == ["Exchange Server/V15/Logging/HttpProxy/Ews", "Exchange Server/V15/Logging/HttpProxy/Mapi", "Exchange Server/V15/Logging/HttpProxy/Owa", "IISLogs/W3SVC1", "IISLogs/BackEnd/W3SVC2"] and ([.log_samples[].lines_read] | add) == 960 and ((.errors // []) | length == 0)'

# The netsh text the script writes serves as the fallback.
cp -r "$exp" "$work/netsh-only"
# As when reg export of the HTTP keys failed: any of them present is
# taken as the whole truth by the agent.
rm "$work/netsh-only/registry/http-ssl"*.reg
"$agent" collect --root "$work/netsh-only" --json >"$work/netsh-only.json" 2>/dev/null
expect "netsh/sslcert.txt as written: read without errors, bindings joined" jqtrue "$work/netsh-only.json" \
	'((.errors // []) | length == 0) and ([.ssl_bindings[].source] == ["netsh", "netsh", "netsh"]) and ([.sites[].bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK"))'

# ---- collector import: folder and zips stored as offline evidence -------
db="$work/audit.db"
set +e
"$collector" import --db "$db" "$exp" "$work/compress-archive.zip" "$work/forward.zip" >"$work/import.out" 2>"$work/import.err"
rc=$?
set -e
expect "import of the folder and two zips: exit 0, each stored for mbx01.corp.example" \
	bash -c "[ $rc = 0 ] && [ \$(grep -c ': stored mbx01.corp.example\$' '$work/import.out') = 3 ] && grep -q '^$work/compress-archive.zip: stored' '$work/import.out'"
expect "stored with provenance 'offline evidence, unsigned'" \
	bash -c "[ \"\$(sqlite3 '$db' 'SELECT provenance, count(*) FROM reports GROUP BY 1')\" = 'offline evidence, unsigned|3' ]"
"$collector" report --db "$db" --format json >"$work/audit.json"
expect "the audit report has the server, its 444 certificate and its traffic" jqtrue "$work/audit.json" \
	'[.servers[] | .fqdn] == ["mbx01.corp.example"] and (.servers[0].cert_444 != null)'

# ---- refusals name the file and leave nothing behind --------------------
"$mkzip" --entries "$work/traversal.zip" 'registry/a.reg=x' '../evil.txt=pwned'
set +e
"$collector" import --db "$db" "$work/traversal.zip" >/dev/null 2>"$work/trav.err"
rc=$?
set -e
expect "import of a zip with '..': exit 1, the zip and the entry named" \
	bash -c "[ $rc = 1 ] && grep -q '$work/traversal.zip: entry .\\.\\./evil.txt.' '$work/trav.err'"
expect "  ... and nothing written outside the extraction folder" \
	bash -c "[ ! -e '$TMPDIR/evil.txt' ] && [ ! -e '$work/evil.txt' ]"
"$mkzip" --entries "$work/empty.zip"
set +e
"$agent" collect --root "$work/empty.zip" --json >/dev/null 2>"$work/empty.err"
rc=$?
set -e
expect "collect of an empty zip: exit 1, 'is empty' named with the file" \
	bash -c "[ $rc = 1 ] && grep -q '$work/empty.zip: the zip is empty' '$work/empty.err'"
"$mkzip" --entries "$work/readme.zip" 'README.txt=not evidence'
set +e
"$collector" import --db "$db" "$work/readme.zip" >/dev/null 2>"$work/readme.err"
rc=$?
set -e
expect "import of a zip without evidence: exit 1, refused with the reason" \
	bash -c "[ $rc = 1 ] && grep -q '$work/readme.zip: refused: nothing useful could be read' '$work/readme.err'"
printf 'PK\3\4 not really' >"$work/fake.zip"
set +e
"$agent" collect --root "$work/fake.zip" >/dev/null 2>"$work/fake.err"
rc=$?
set -e
expect "collect of a file that only starts like a zip: exit 1, named" \
	bash -c "[ $rc = 1 ] && grep -q '$work/fake.zip: not a readable zip' '$work/fake.err'"
expect "no extraction folder left behind" [ -z "$(ls -A "$TMPDIR")" ]

e2e_done
