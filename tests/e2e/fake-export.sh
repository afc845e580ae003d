#!/usr/bin/env bash
# Lays out what deploy/windows/Export-BindscopeEvidence.ps1 writes, for a
# server whose facts are those of an example-fleet evidence root
# (deploy/gen-example-fleet.sh). PowerShell cannot run here, so this is
# the stand-in, byte for byte in the tools' own formats:
#   registry/<name>.reg   reg.exe export: UTF-16LE with BOM, CRLF, one key
#                         (and its subkeys) per file, the fleet root's own
#                         files of the exporter's names taken as they are;
#                         for a key the server lacks, the exporter's
#                         tombstone: only a `[-HKEY_LOCAL_MACHINE\KEY]` line
#                         (SslCcsBindingInfo here; the fleet's tombstones
#                         of the cipher suite policy and two role keys)
#   certstore/LocalMachine/<Store>/<THUMBPRINT>.cer   X509Certificate2.RawData (DER)
#   certstore/LocalMachine/<Store>/<THUMBPRINT>.json  ConvertTo-Json of 5.1
#                         (four-space indent, two spaces after ':', CRLF,
#                         no final newline), UTF-8 without BOM, for every
#                         certificate (FriendlyName "" where none is set)
#   netsh/sslcert.txt     Out-File -Encoding Unicode of netsh's English output
#   the config and the logs copied to their Windows paths, drive letter
#   dropped.
#   tests/e2e/fake-export.sh SERVER_ROOT OUT [c|d]
# Variant d: Exchange installed on D:\Exchange Server\V15, IIS logging to
# D:\IISLogs, the Back End site to its own D:\IISLogs\BackEnd.
set -euo pipefail

src=$1
out=$2
variant=${3:-c}
cfg=Windows/System32/inetsrv/config/applicationHost.config
hp_src="$src/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy"

utf16() { { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$1"; }
utf8_of() { iconv -f UTF-16LE -t UTF-8 "$1" | sed '1s/^\xef\xbb\xbf//'; }
hdr() { printf 'Windows Registry Editor Version 5.00\r\n\r\n'; }
key() { printf '[HKEY_LOCAL_MACHINE\\%s]\r\n' "$1"; }

rm -rf "$out"
mkdir -p "$out/registry" "$out/netsh" "$(dirname "$out/$cfg")"

# IIS configuration.
if [ "$variant" = d ]; then
	sed -e 's|directory="%SystemDrive%\\inetpub\\logs\\LogFiles"|directory="D:\\IISLogs"|' \
		-e 's|\(<site name="Exchange Back End" id="2">\r\)$|\1\n                <logFile directory="D:\\IISLogs\\BackEnd" />\r|' \
		"$src/$cfg" >"$out/$cfg"
	grep -q 'D:\\IISLogs\\BackEnd' "$out/$cfg"
else
	cp "$src/$cfg" "$out/$cfg"
fi

# Registry: the fleet's own exports where they are one key each, split or
# made where the exporter writes them apart.
cp "$src/registry/http-sslbindinginfo.reg" "$out/registry/http-sslbindinginfo.reg"
{ hdr; key 'SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslSniBindingInfo'; printf '\r\n'; } |
	utf16 "$out/registry/http-sslsnibindinginfo.reg"
if [ "$variant" = d ]; then
	utf8_of "$src/registry/exchange-setup.reg" |
		sed 's|"MsiInstallPath"="C:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V15\\\\"|"MsiInstallPath"="D:\\\\Exchange Server\\\\V15\\\\"|' |
		utf16 "$out/registry/exchange-setup.reg"
	utf8_of "$out/registry/exchange-setup.reg" | grep -q 'D:\\\\Exchange Server'
else
	cp "$src/registry/exchange-setup.reg" "$out/registry/exchange-setup.reg"
fi
# The fleet keeps Tcpip and Netlogon in one file; reg export makes two.
utf8_of "$src/registry/tcpip.reg" | awk '/^\[.*Netlogon/ { exit } { print }' |
	utf16 "$out/registry/tcpip.reg"
if utf8_of "$src/registry/tcpip.reg" | grep -q Netlogon; then
	{ hdr; utf8_of "$src/registry/tcpip.reg" | awk '/^\[.*Netlogon/ { on = 1 } on { print }'; } |
		utf16 "$out/registry/netlogon.reg"
fi
{
	hdr
	key 'SYSTEM\CurrentControlSet\Services\MSExchange OWA'
	printf '"AllowInternalUntrustedCerts"=dword:00000001\r\n\r\n'
} | utf16 "$out/registry/msexchange-owa.reg"
# The rest of the script's table: the fleet's file where it has one (in
# reg.exe's shape already), else the tombstone the script writes.
ps1="$(cd "$(dirname "$0")/../.." && pwd)/deploy/windows/Export-BindscopeEvidence.ps1"
sed -n "/^\\\$RegistryKeys = \\[ordered\\]@{/,/^}/ s/^ *'\\([^']*\\)' *= *'\\([^']*\\)'.*/\\1\t\\2/p" "$ps1" |
	while IFS=$'\t' read -r name k; do
		[ -e "$out/registry/$name.reg" ] && continue
		if [ -e "$src/registry/$name.reg" ]; then
			cp "$src/registry/$name.reg" "$out/registry/$name.reg"
		else
			printf 'Windows Registry Editor Version 5.00\r\n\r\n[-%s]\r\n\r\n' \
				"${k/#HKLM\\/HKEY_LOCAL_MACHINE\\}" | utf16 "$out/registry/$name.reg"
		fi
	done

# Certificates: every one of each exported store, with its properties.
for sd in "$src"/certstore/LocalMachine/*/; do
	store=$(basename "$sd")
	for c in "$sd"*.cer; do
		[ -e "$c" ] || continue
		t=$(openssl x509 -inform DER -in "$c" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
		mkdir -p "$out/certstore/LocalMachine/$store"
		cp "$c" "$out/certstore/LocalMachine/$store/$t.cer"
		j="${c%.cer}.json"
		fn="" pk=false
		if [ -e "$j" ]; then
			fn=$(jq -r '.FriendlyName // ""' "$j")
			pk=$(jq -r '.HasPrivateKey // false' "$j")
		fi
		printf '{\r\n    "FriendlyName":  "%s",\r\n    "HasPrivateKey":  %s\r\n}' "$fn" "$pk" \
			>"$out/certstore/LocalMachine/$store/$t.json"
	done
done

# netsh http show sslcert (Windows Server 2019, English), from the
# bindings of the registry export.
{
	printf '\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n'
	utf8_of "$src/registry/http-sslbindinginfo.reg" | tr -d '\r' | awk '
		function flush() {
			if (ep == "") return
			printf "    IP:port                      : %s\r\n", ep
			printf "    Certificate Hash             : %s\r\n", hash
			printf "    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\r\n"
			printf "    Certificate Store Name       : %s\r\n", store
			printf "    Verify Client Certificate Revocation : Enabled\r\n"
			printf "    Verify Revocation Using Cached Client Certificate Only : Disabled\r\n"
			printf "    Usage Check                  : Enabled\r\n"
			printf "    Revocation Freshness Time    : 0\r\n"
			printf "    URL Retrieval Timeout        : 0\r\n"
			printf "    Ctl Identifier               : (null)\r\n"
			printf "    Ctl Store Name               : (null)\r\n"
			printf "    DS Mapper Usage              : Disabled\r\n"
			printf "    Negotiate Client Certificate : Disabled\r\n"
			printf "    Reject Connections           : Disabled\r\n"
			printf "    Disable HTTP2                : Not Set\r\n"
			printf "    Disable QUIC                 : Not Set\r\n"
			printf "    Disable TLS1.2               : Not Set\r\n"
			printf "    Disable TLS1.3               : Not Set\r\n"
			printf "    Disable OCSP Stapling        : Not Set\r\n"
			printf "    Enable Token Binding         : Not Set\r\n"
			printf "    Log Extended Events          : Not Set\r\n"
			printf "    Disable Legacy TLS Versions  : Not Set\r\n"
			printf "    Enable Session Ticket        : Not Set\r\n"
			printf "    Extended Properties:\r\n"
			printf "    PropertyId                   : 0\r\n"
			printf "    Receive Window               : 1048576\r\n\r\n"
			ep = ""
		}
		/^\[.*SslBindingInfo\\/ { flush(); ep = $0; sub(/.*\\/, "", ep); sub(/\]$/, "", ep); hash = "" }
		/^"SslCertHash"=hex:/ { h = $0; sub(/^[^:]*:/, "", h); collect = 1 }
		collect && !/^"SslCertHash"/ { h = h $0 }
		collect { if (h ~ /\\$/) { sub(/\\$/, "", h); next } gsub(/[ ,]/, "", h); hash = h; collect = 0 }
		/^"SslCertStoreName"=/ { store = $0; sub(/^[^=]*="/, "", store); sub(/"$/, "", store) }
		END { flush() }'
} | utf16 "$out/netsh/sslcert.txt"

# Logs, at the paths the exporter derives from MsiInstallPath and the
# IIS logFile directories.
if [ "$variant" = d ]; then
	hp_out="$out/Exchange Server/V15/Logging/HttpProxy"
	w3c1="$out/IISLogs/W3SVC1"
	w3c2="$out/IISLogs/BackEnd/W3SVC2"
else
	hp_out="$out/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy"
	w3c1="$out/inetpub/logs/LogFiles/W3SVC1"
	w3c2="$out/inetpub/logs/LogFiles/W3SVC2"
fi
for p in "$hp_src"/*/; do
	mkdir -p "$hp_out/$(basename "$p")"
	cp "$p"*.LOG "$hp_out/$(basename "$p")/"
done
mkdir -p "$w3c1" "$w3c2"
cp "$src"/inetpub/logs/LogFiles/W3SVC1/*.log "$w3c1/"
cp "$src"/inetpub/logs/LogFiles/W3SVC2/*.log "$w3c2/"
