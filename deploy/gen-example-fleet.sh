#!/usr/bin/env bash
# Generates the example fleet: one evidence root per Exchange server, laid
# out exactly as ../shared/spec/evidence-root.md describes (UTF-16LE .reg
# exports with wrapped hex lines, applicationHost.config, DER certificates
# with their store-property .json). Certificates are made fresh, so their
# validity is relative to today.
#
#   deploy/gen-example-fleet.sh OUTDIR [--faults]
#
# The fleet (domain corp.example, namespace mail.corp.example):
#   mbx01  Exchange 2019 CU14, healthy: self-signed "Microsoft Exchange" on
#          444, the namespace certificate on 443.
#   mbx02  Exchange 2019 CU14, healthy: a third-party wildcard
#          *.corp.example on 444 (covers the FQDN: no name mismatch).
#   mbx03  Exchange 2019 CU14, BROKEN (the seed failure): the namespace
#          certificate (mail/autodiscover.corp.example) bound to 0.0.0.0:444;
#          it does not cover mbx03.corp.example.
#   mbx04  Exchange 2016 CU23, healthy: self-signed certificate whose SANs
#          list only the FQDN (the short name is not needed).
# Every server also gets 40 minutes of HttpProxy (Owa, Ews, Mapi) and IIS
# logs in which the front ends fail to reach mbx03 on 444.
#
# --faults adds six more Exchange 2019 servers, one seeded fault each (the
# end-to-end test asserts exactly these findings):
#   mbx05  the 444 certificate was deleted from the store (binding dangles)
#   mbx06  its self-signed 444 certificate expires in 5 days
#   mbx07  Back End https bound to 10.0.0.7:444 instead of *:444:
#   mbx08  an older CU (15.2.1258.12) than the rest of the fleet
#   mbx09  a 1024-bit RSA self-signed certificate on 444
#   mbx10  no http.sys certificate binding for 0.0.0.0:444
# and sixteen more for the TLS, Extended Protection, Auth certificate and
# HSTS evidence (../shared/spec/tls-and-protection.md), one difference
# from the baseline each:
#   mbx11  TLS 1.0 enabled, Server and Client (Enabled=1, DisabledByDefault=0)
#   mbx12  TLS 1.1 Server half-disabled (Enabled=0, DisabledByDefault=0)
#   mbx13  TLS 1.2 disabled, Server and Client (Enabled=0, DisabledByDefault=1)
#   mbx14  .NET v4.0.30319 32-bit view (Wow6432Node): SchUseStrongCrypto=0
#   mbx15  Default Web Site/EWS tokenChecking Require (above the expected Allow)
#   mbx16  Exchange Back End/owa tokenChecking None (below the expected Require)
#   mbx17  Lsa LmCompatibilityLevel=2 (an Extended Protection precondition)
#   mbx18  <hsts enabled="true" max-age="31536000"/> on the Exchange Back End site
#   mbx19  <hsts enabled="true" max-age="86400"/> on the Default Web Site (under a year)
#   mbx20  its Auth certificate is another one, expiring in 30 days (none newer)
#   mbx21  SCHANNEL AllowInsecureRenegoClients=1 (the only server with it)
# and traps, where nothing new must be raised:
#   mbx22  TLS 1.2 Server and Client Enabled=dword:ffffffff (any non-zero is on)
#   mbx23  its export lacks the four .NET files (the values were not read)
#   mbx24  Exchange Back End/EWS tokenChecking None with ipSecurity
#          allowUnlisted="false" (supported and secure)
#   mbx25  Exchange 2019 CU9 (15.2.986.26, before Extended Protection
#          support), tokenChecking None everywhere: VERSION_DRIFT only
#   mbx26  TLS 1.3 Server and Client Enabled=0, DisabledByDefault=1 on
#          Windows Server 2019 (where TLS 1.3 is unsupported)
#
# Every server's registry exports carry what the exporter writes for those
# facts, under its file names: schannel (SSL 2.0 to TLS 1.1 off, TLS 1.2
# on, no TLS 1.3 keys), dotnet-v4[-wow64], dotnet-v2[-wow64]
# (SystemDefaultTlsVersions=1, SchUseStrongCrypto=1), lsa
# (LmCompatibilityLevel=5), windows-version (Windows Server 2019, build
# 17763), exchange-mailboxrole, and as tombstones (a `[-KEY]` line: the
# key does not exist) cipher-suite-policy, exchange-clientaccessrole and
# exchange-edgerole. applicationHost.config has Exchange's <location>
# elements with Extended Protection as configured for the build, and
# every server holds the fleet's Exchange Auth certificate in My.
set -euo pipefail

out=${1:?usage: gen-example-fleet.sh OUTDIR [--faults]}
faults=${2:-}
domain=corp.example
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v openssl >/dev/null || { echo "gen-example-fleet: openssl is required" >&2; exit 2; }
command -v iconv >/dev/null || { echo "gen-example-fleet: iconv is required" >&2; exit 2; }

thumb() { openssl x509 -inform DER -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g'; }

# key NAME -> $tmp/NAME.key
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$tmp/$1.key" 2>/dev/null; }

# selfsigned NAME SUBJECT SAN DAYS [KEYNAME]: KEYNAME reuses that key
# (generation time: one key serves every fault server's certificate).
selfsigned() {
	if [ -n "${5:-}" ]; then cp "$tmp/$5.key" "$tmp/$1.key"; else key "$1"; fi
	openssl req -x509 -new -key "$tmp/$1.key" -subj "$2" -days "$4" -sha256 \
		-addext "subjectAltName=$3" -addext "extendedKeyUsage=serverAuth" \
		-addext "keyUsage=digitalSignature,keyEncipherment" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-outform DER -out "$tmp/$1.cer" 2>/dev/null
}

# authcert NAME DAYS [KEYNAME]: an Exchange Auth certificate, as
# New-ExchangeCertificate makes it for OAuth (self-signed, no SAN).
authcert() {
	if [ -n "${3:-}" ]; then cp "$tmp/$3.key" "$tmp/$1.key"; else key "$1"; fi
	openssl req -x509 -new -key "$tmp/$1.key" -subj "/CN=Microsoft Exchange Server Auth Certificate" \
		-days "$2" -sha256 -addext "keyUsage=digitalSignature,keyEncipherment" \
		-addext "basicConstraints=critical,CA:FALSE" -outform DER -out "$tmp/$1.cer" 2>/dev/null
}

# issued NAME SUBJECT SAN DAYS ISSUER
issued() {
	key "$1"
	openssl req -new -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr" 2>/dev/null
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\nbasicConstraints=critical,CA:FALSE\n' "$3" >"$tmp/$1.ext"
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$5.pem" -CAkey "$tmp/$5.key" \
		-CAcreateserial -days "$4" -sha256 -extfile "$tmp/$1.ext" \
		-outform DER -out "$tmp/$1.cer" 2>/dev/null
}

# The enterprise PKI: root and issuing CA.
key rootca 3072
openssl req -x509 -new -key "$tmp/rootca.key" -subj "/DC=example/DC=corp/CN=Corp Root CA" \
	-days 7300 -sha256 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$tmp/rootca.pem" 2>/dev/null
openssl x509 -in "$tmp/rootca.pem" -outform DER -out "$tmp/rootca.cer"
key issuingca 3072
openssl req -new -key "$tmp/issuingca.key" -subj "/DC=example/DC=corp/CN=Corp Issuing CA 1" \
	-out "$tmp/issuingca.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$tmp/ca.ext"
openssl x509 -req -in "$tmp/issuingca.csr" -CA "$tmp/rootca.pem" -CAkey "$tmp/rootca.key" \
	-CAcreateserial -days 3650 -sha256 -extfile "$tmp/ca.ext" -out "$tmp/issuingca.pem" 2>/dev/null
openssl x509 -in "$tmp/issuingca.pem" -outform DER -out "$tmp/issuingca.cer"

# Shared certificates: the namespace SAN certificate (valid a year), a
# wildcard (200 days), so the expiry timeline has marks within its 400
# days, and the fleet's Exchange Auth certificate (the same on every
# Mailbox server).
authcert auth 1825
issued namespace "/C=US/O=Corp Example/CN=mail.$domain" \
	"DNS:mail.$domain,DNS:autodiscover.$domain,DNS:owa.$domain" 365 issuingca
issued wildcard "/C=US/O=Corp Example/CN=*.$domain" "DNS:*.$domain,DNS:$domain" 200 issuingca

# Wraps "prefix" + comma-separated hex bytes the way reg.exe does: lines of
# at most 80 characters, continued with "\" and a two-space indent (also
# when only the last byte is left).
regwrap() {
	awk -v pre="$1" -v hex="$2" 'BEGIN {
		n = split(hex, b, ","); line = pre;
		for (i = 1; i <= n; i++) {
			item = b[i] (i < n ? "," : "");
			if (length(line) + length(item) > 77) {
				printf "%s\\\r\n", line; line = "  ";
			}
			line = line item;
		}
		printf "%s\r\n", line;
	}'
}

hexbytes() { echo "$1" | tr 'A-F' 'a-f' | sed 's/../&,/g; s/,$//'; }

# Writes UTF-8 text from stdin as a reg.exe export: UTF-16LE with BOM.
utf16() { { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$1"; }

# UTF-16LE hex bytes of a REG_MULTI_SZ: the strings, each NUL-ended, and
# the closing NUL.
multisz() {
	local s
	{ for s in "$@"; do printf '%s\0' "$s"; done; printf '\0'; } | iconv -f UTF-8 -t UTF-16LE |
		od -An -v -tx1 | tr -s ' \n' ',' | sed 's/^,//; s/,$//'
}

# The per-server knobs of the TLS and Extended Protection evidence,
# reset to the fleet's baseline before each server (knobs_reset):
#   protocols["TLS 1.2\Server"]="ENABLED DISABLEDBYDEFAULT" (hex dwords; unset: key absent)
#   token["Default Web Site/owa"]=tokenChecking; allow_unlisted[path]=false
#   renego_clients (AllowInsecureRenegoClients, "" not set), lmcompat,
#   strong_v4_wow64, dotnet ("no": no .NET files), hsts_fe, hsts_be, auth
declare -A protocols token allow_unlisted
fe_vdirs="API ecp owa rpc Autodiscover EWS Microsoft-Server-ActiveSync OAB PowerShell mapi"
be_vdirs="API ecp owa rpc Autodiscover EWS Microsoft-Server-ActiveSync OAB PowerShell mapi/emsmdb mapi/nspi PushNotifications"
knobs_reset() {
	local p
	protocols=() token=() allow_unlisted=()
	for p in 'SSL 2.0' 'SSL 3.0' 'TLS 1.0' 'TLS 1.1'; do
		protocols["$p\\Client"]="00000000 00000001"
		protocols["$p\\Server"]="00000000 00000001"
	done
	protocols['TLS 1.2\Client']="00000001 00000000"
	protocols['TLS 1.2\Server']="00000001 00000000"
	# Extended Protection as Exchange configures it (front end / back end).
	for p in API ecp owa rpc mapi; do token["Default Web Site/$p"]=Require; done
	for p in EWS Microsoft-Server-ActiveSync OAB; do token["Default Web Site/$p"]=Allow; done
	token["Default Web Site/Autodiscover"]=None
	token["Default Web Site/PowerShell"]=None
	for p in $be_vdirs; do token["Exchange Back End/$p"]=Require; done
	token["Exchange Back End/Autodiscover"]=None
	renego_clients="" lmcompat=5 strong_v4_wow64=1 dotnet=yes hsts_fe="" hsts_be="" auth=auth
}
knobs_reset

# The sslFlags Exchange sets: SSL everywhere but the front-end PowerShell
# (Kerberos over HTTP by design); the back-end PowerShell asks for a
# client certificate.
ssl_flags() {
	case $1 in
	"Default Web Site/PowerShell") echo None ;;
	"Exchange Back End/PowerShell") echo "Ssl, SslNegotiateCert, Ssl128" ;;
	*) echo "Ssl, Ssl128" ;;
	esac
}

# Exchange's <location> elements, as IIS writes them after the sections.
locations() {
	local site v path
	for site in "Default Web Site" "Exchange Back End"; do
		if [ "$site" = "Default Web Site" ]; then set -- $fe_vdirs; else set -- $be_vdirs; fi
		for v in "$@"; do
			path="$site/$v"
			printf '    <location path="%s" overrideMode="Allow">\n' "$path"
			printf '        <system.webServer>\n            <security>\n'
			printf '                <access sslFlags="%s" />\n' "$(ssl_flags "$path")"
			printf '                <authentication>\n'
			printf '                    <anonymousAuthentication enabled="false" />\n'
			printf '                    <windowsAuthentication enabled="true" useKernelMode="false">\n'
			printf '                        <extendedProtection tokenChecking="%s" />\n' "${token[$path]}"
			printf '                    </windowsAuthentication>\n                </authentication>\n'
			[ -z "${allow_unlisted[$path]:-}" ] ||
				printf '                <ipSecurity allowUnlisted="%s" />\n' "${allow_unlisted[$path]}"
			printf '            </security>\n        </system.webServer>\n    </location>\n'
		done
	done
}

reghdr() { printf 'Windows Registry Editor Version 5.00\r\n\r\n'; }
regkey() { printf '[HKEY_LOCAL_MACHINE\\%s]\r\n' "$1"; }
# A key the server lacks, as the exporter writes it: a deletion line.
tombstone() { { reghdr; printf '[-HKEY_LOCAL_MACHINE\\%s]\r\n\r\n' "$2"; } | utf16 "$1"; }

# tls_registry ROOT BUILD: the exports of SCHANNEL, .NET, Lsa, the cipher
# suite policy, the role keys and the Windows version.
tls_registry() {
	local reg=$1/registry build=$2 sch='SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
	local p side v
	{
		reghdr
		regkey "$sch"
		[ -z "$renego_clients" ] || printf '"AllowInsecureRenegoClients"=dword:%08x\r\n' "$renego_clients"
		printf '"EventLogging"=dword:00000001\r\n\r\n'
		for v in Ciphers CipherSuites Hashes KeyExchangeAlgorithms Protocols; do
			regkey "$sch\\$v"
			printf '\r\n'
		done
		for p in 'SSL 2.0' 'SSL 3.0' 'TLS 1.0' 'TLS 1.1' 'TLS 1.2' 'TLS 1.3'; do
			[ -n "${protocols[$p\\Client]:-}${protocols[$p\\Server]:-}" ] || continue
			regkey "$sch\\Protocols\\$p"
			printf '\r\n'
			for side in Client Server; do
				v=${protocols[$p\\$side]:-}
				[ -n "$v" ] || continue
				regkey "$sch\\Protocols\\$p\\$side"
				printf '"DisabledByDefault"=dword:%s\r\n"Enabled"=dword:%s\r\n\r\n' "${v#* }" "${v% *}"
			done
		done
	} | utf16 "$reg/schannel.reg"
	dotnet_key() { # FILE KEY STRONG
		{
			reghdr
			regkey "$2"
			printf '"AspNetEnforceViewStateMac"=dword:00000001\r\n'
			printf '"SchUseStrongCrypto"=dword:%08x\r\n' "$3"
			printf '"SystemDefaultTlsVersions"=dword:00000001\r\n\r\n'
			regkey "$2\\SKUs"
			printf '\r\n'
		} | utf16 "$reg/$1.reg"
	}
	if [ "$dotnet" = yes ]; then
		dotnet_key dotnet-v4 'SOFTWARE\Microsoft\.NETFramework\v4.0.30319' 1
		dotnet_key dotnet-v4-wow64 'SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319' "$strong_v4_wow64"
		dotnet_key dotnet-v2 'SOFTWARE\Microsoft\.NETFramework\v2.0.50727' 1
		dotnet_key dotnet-v2-wow64 'SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727' 1
	fi
	{
		reghdr
		regkey 'SYSTEM\CurrentControlSet\Control\Lsa'
		printf '"auditbasedirectories"=dword:00000000\r\n"crashonauditfail"=dword:00000000\r\n'
		printf '"LimitBlankPasswordUse"=dword:00000001\r\n'
		printf '"LmCompatibilityLevel"=dword:%08x\r\n' "$lmcompat"
		regwrap '"Security Packages"=hex(7):' "$(multisz kerberos msv1_0 schannel wdigest tspkg pku2u)"
		printf '\r\n'
		regkey 'SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0'
		printf '"NtlmMinClientSec"=dword:20080000\r\n"NtlmMinServerSec"=dword:20080000\r\n\r\n'
	} | utf16 "$reg/lsa.reg"
	tombstone "$reg/cipher-suite-policy.reg" 'SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
	{
		reghdr
		regkey 'SOFTWARE\Microsoft\ExchangeServer\v15\MailboxRole'
		printf '"ConfiguredVersion"="%s"\r\n"UnpackedVersion"="%s"\r\n\r\n' "$build" "$build"
	} | utf16 "$reg/exchange-mailboxrole.reg"
	tombstone "$reg/exchange-clientaccessrole.reg" 'SOFTWARE\Microsoft\ExchangeServer\v15\ClientAccessRole'
	tombstone "$reg/exchange-edgerole.reg" 'SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole'
	{
		reghdr
		regkey 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'
		printf '"BuildBranch"="rs5_release"\r\n"CurrentBuild"="17763"\r\n"CurrentBuildNumber"="17763"\r\n'
		printf '"CurrentMajorVersionNumber"=dword:0000000a\r\n"CurrentMinorVersionNumber"=dword:00000000\r\n'
		printf '"CurrentType"="Multiprocessor Free"\r\n"CurrentVersion"="6.3"\r\n"EditionID"="ServerDatacenter"\r\n'
		printf '"InstallationType"="Server"\r\n"ProductName"="Windows Server 2019 Datacenter"\r\n'
		printf '"ReleaseId"="1809"\r\n"SystemRoot"="C:\\\\Windows"\r\n"UBR"=dword:000017d9\r\n\r\n'
	} | utf16 "$reg/windows-version.reg"
}

appid="81,e1,c3,4d,4b,e1,21,4a,b0,22,59,fc,66,9b,09,14" # {4dc3e181-e14b-4a21-b022-59fc669b0914}

sslkey() { # ENDPOINT THUMBPRINT
	printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\%s]\r\n' "$1"
	printf '"AppId"=hex:%s\r\n' "$appid"
	printf '"DefaultFlags"=dword:00000000\r\n'
	printf '"DefaultSslCertCheckMode"=dword:00000000\r\n'
	printf '"DefaultSslRevocationFreshnessTime"=dword:00000000\r\n'
	printf '"DefaultSslRevocationUrlRetrievalTimeout"=dword:00000000\r\n'
	regwrap '"SslCertHash"=hex:' "$(hexbytes "$2")"
	printf '"SslCertStoreName"="MY"\r\n\r\n'
}

# server NAME BUILD(a.b.c.d) CERT443 CERT444 [BACKEND_BINDING [ENDPOINT_444]]
# ENDPOINT_444 "none" leaves 444 without an http.sys binding.
server() {
	local name=$1 build=$2 c443=$3 c444=$4 be=${5:-*:444:} ep=${6:-0.0.0.0:444}
	local root="$out/$name" upper t443 t444
	upper=$(echo "$name" | tr a-z A-Z)
	IFS=. read -r pmaj pmin bmaj bmin <<<"$build"
	rm -rf "$root"
	mkdir -p "$root/Windows/System32/inetsrv/config" "$root/registry" \
		"$root/certstore/LocalMachine/My" "$root/certstore/LocalMachine/Root" \
		"$root/certstore/LocalMachine/CA" "$root/inetpub/logs/LogFiles/W3SVC1" \
		"$root/inetpub/logs/LogFiles/W3SVC2" \
		"$root/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa"

	t443=$(thumb "$tmp/$c443.cer")
	t444=$(thumb "$tmp/$c444.cer")
	for c in "$c443" "$c444"; do
		local t; t=$(thumb "$tmp/$c.cer")
		cp "$tmp/$c.cer" "$root/certstore/LocalMachine/My/$t.cer"
		local fn="$c"
		case $c in
		self-*) fn="Microsoft Exchange" ;;
		namespace) fn="Exchange namespace 2026" ;;
		wildcard) fn="Wildcard corp.example" ;;
		esac
		printf '{"FriendlyName": "%s", "HasPrivateKey": true}\n' "$fn" \
			>"$root/certstore/LocalMachine/My/$t.json"
	done
	if [ -n "$auth" ]; then
		local ta; ta=$(thumb "$tmp/$auth.cer")
		cp "$tmp/$auth.cer" "$root/certstore/LocalMachine/My/$ta.cer"
		printf '{"FriendlyName": "Microsoft Exchange Server Auth Certificate", "HasPrivateKey": true}\n' \
			>"$root/certstore/LocalMachine/My/$ta.json"
	fi
	cp "$tmp/rootca.cer" "$root/certstore/LocalMachine/Root/$(thumb "$tmp/rootca.cer").cer"
	cp "$tmp/issuingca.cer" "$root/certstore/LocalMachine/CA/$(thumb "$tmp/issuingca.cer").cer"

	{
		printf 'Windows Registry Editor Version 5.00\r\n\r\n'
		printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo]\r\n\r\n'
		sslkey "0.0.0.0:443" "$t443"
		[ "$ep" = none ] || sslkey "$ep" "$t444"
		sslkey "127.0.0.1:443" "$t443"
	} | utf16 "$root/registry/http-sslbindinginfo.reg"
	{
		printf 'Windows Registry Editor Version 5.00\r\n\r\n'
		printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n'
		printf '"DataBasePath"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,\\\r\n'
		printf '  6f,00,74,00,25,00,5c,00,53,00,79,00,73,00,74,00,65,00,6d,00,33,00,32,00,5c,\\\r\n'
		printf '  00,64,00,72,00,69,00,76,00,65,00,72,00,73,00,5c,00,65,00,74,00,63,00,00,00\r\n'
		printf '"Domain"="%s"\r\n' "$domain"
		printf '"Hostname"="%s"\r\n' "$upper"
		printf '"NV Domain"="%s"\r\n' "$domain"
		printf '"NV Hostname"="%s"\r\n' "$upper"
		printf '"SearchList"=""\r\n\r\n'
		# The AD site where the export includes Netlogon (mbx04's does not).
		if [ "$name" != mbx04 ]; then
			printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters]\r\n'
			printf '"DynamicSiteName"="HQ-Amsterdam"\r\n\r\n'
		fi
	} | utf16 "$root/registry/tcpip.reg"
	{
		printf 'Windows Registry Editor Version 5.00\r\n\r\n'
		printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup]\r\n'
		printf '"MsiInstallPath"="C:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V15\\\\"\r\n'
		printf '"MsiProductMajor"=dword:%08x\r\n' "$pmaj"
		printf '"MsiProductMinor"=dword:%08x\r\n' "$pmin"
		printf '"MsiBuildMajor"=dword:%08x\r\n' "$bmaj"
		printf '"MsiBuildMinor"=dword:%08x\r\n' "$bmin"
		printf '"Services"="C:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V15\\\\"\r\n\r\n'
	} | utf16 "$root/registry/exchange-setup.reg"
	tls_registry "$root" "$build"

	sed 's/$/\r/' >"$root/Windows/System32/inetsrv/config/applicationHost.config" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- applicationHost.config of $upper.$domain (example fleet) -->
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <applicationPools>
            <add name="MSExchangeOWAAppPool" managedRuntimeVersion="v4.0" />
            <add name="MSExchangeServicesAppPool" managedRuntimeVersion="v4.0" />
        </applicationPools>
        <sites>
            <site name="Default Web Site" id="1" serverAutoStart="true">
                <application path="/" applicationPool="DefaultAppPool">
                    <virtualDirectory path="/" physicalPath="%SystemDrive%\\inetpub\\wwwroot" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:80:" />
                    <binding protocol="https" bindingInformation="*:443:" />
                    <binding protocol="https" bindingInformation="127.0.0.1:443:" />
                    <binding protocol="net.tcp" bindingInformation="808:*" />
                </bindings>${hsts_fe:+
                $hsts_fe}
            </site>
            <site name="Exchange Back End" id="2">
                <application path="/" applicationPool="MSExchangeServicesAppPool">
                    <virtualDirectory path="/" physicalPath="C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:81:" />
                    <binding protocol="https" bindingInformation="$be" sslFlags="0" />
                </bindings>${hsts_be:+
                $hsts_be}
            </site>
            <siteDefaults>
                <logFile logFormat="W3C" directory="%SystemDrive%\\inetpub\\logs\\LogFiles" />
                <traceFailedRequestsLogging directory="%SystemDrive%\\inetpub\\logs\\FailedReqLogFiles" />
            </siteDefaults>
        </sites>
    </system.applicationHost>
$(locations)
</configuration>
XML
	knobs_reset # each server starts from the baseline
}

# HttpProxy and W3C logs for one server: the last 40 minutes of front-end
# traffic proxied to every mailbox server of the fleet. Requests to the
# broken mbx03 fail on the 444 hop (TrustFailure, or a 500 from the back
# end behind a 200); the healthy targets see a handful of 500s, as busy
# servers do. User names and client IPs are there to be redacted.
awk_civil='
function civil(days,   z, era, doe, yoe, y, doy, mp, d, m) {
	z = days + 719468; era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
	return sprintf("%04d-%02d-%02d", y, m, d)
}'
awk_httpproxy='
function ts(t,   s) { s = t % 86400; return sprintf("%sT%02d:%02d:%02d.%03dZ", civil(int(t / 86400)), int(s / 3600), int(s % 3600 / 60), s % 60, int(rand() * 1000)) }
BEGIN {
	srand(seed)
	hdr = "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus"
	printf "%s\r\n", hdr
	printf "#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: HttpProxy Logs\r\n#Date: %s\r\n#Fields: %s\r\n", ts(now - 2400), hdr
	split("mbx01 mbx02 mbx03 mbx04", targets, " ")
	for (i = 0; i < 240; i++) {
		t = now - 2400 + i * 10
		tgt = targets[int(rand() * 4) + 1] ".corp.example"
		http = 200; be = 200; err = ""; gen = ""
		if (tgt == "mbx03.corp.example") {
			if (rand() < 0.5) { http = 200; be = 500 }
			else { http = 503; be = ""; err = "TrustFailure"; gen = "\"WebExceptionStatus=TrustFailure;WebException=System.Net.WebException: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel., inner AuthenticationException\"" }
		} else if (rand() < 0.01) { http = 500; be = 500 }
		else if (rand() < 0.05) { http = 401; be = "" }
		user = sprintf("CORP\\user%03d", int(rand() * 300))
		printf "%s,%08x-0000-4000-8000-%012d,15,2,1544,4,,%s,mail.corp.example,/%s/,,Negotiate,True,%s,,SMTP:user@corp.example,Mozilla/5.0,10.1.%d.%d,%s,%d,%s,%s,POST,Proxy,%s,Version 15.2 (Build 1544.4),DatabaseGuid,,,,0,512,2048,0,,0,0,,0,,0,,0,0,,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,5,5,0,12,0,,,,%s,,,4b4f0c5a-0000-0000-0000-000000000001,0,\r\n", ts(t), i, i, proto, tolower(proto), user, int(rand() * 250), int(rand() * 250), host, http, be, err, tgt, gen
	}
}'
awk_w3c='
BEGIN {
	srand(seed)
	port = site == 1 ? 443 : 444
	printf "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: %s 00:00:00\r\n", civil(int(now / 86400))
	printf "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n"
	for (i = 0; i < 120; i++) {
		t = now - 2400 + i * 20; s = t % 86400
		st = rand() < 0.9 ? 200 : 401
		printf "%s %02d:%02d:%02d 10.0.0.5 POST /owa/service.svc action=GetItem&cafeReqId=%08x-0000-4000-8000-000000000000; %d CORP\\user%03d 10.1.2.%d Mozilla/5.0+(Windows+NT+10.0) - %d %d 0 15\r\n", civil(int(t / 86400)), int(s / 3600), int(s % 3600 / 60), s % 60, i, port, int(rand() * 300), int(rand() * 250), st, st == 401 ? 1 : 0
	}
}'
logs() { # ROOT HOST
	local root=$1 host=$2 now hp proto site
	now=$(date -u +%s)
	hp="$root/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy"
	for proto in Owa Ews Mapi; do
		mkdir -p "$hp/$proto"
		awk -v now="$now" -v proto="$proto" -v host="$host" -v seed="$RANDOM" \
			"$awk_civil $awk_httpproxy" >"$hp/$proto/HttpProxy_$(date -u +%Y%m%d%H)-1.LOG"
	done
	for site in 1 2; do
		mkdir -p "$root/inetpub/logs/LogFiles/W3SVC$site"
		awk -v now="$now" -v site="$site" -v seed="$RANDOM" "$awk_civil $awk_w3c" \
			>"$root/inetpub/logs/LogFiles/W3SVC$site/u_ex$(date -u +%y%m%d).log"
	done
}

mkdir -p "$out"
for n in mbx01 mbx02 mbx03 mbx04; do
	short=$(echo "$n" | tr a-z A-Z)
	case $n in
	mbx04) selfsigned "self-$n" "/CN=$short" "DNS:$n.$domain" 1825 ;;
	*) selfsigned "self-$n" "/CN=$short" "DNS:$short,DNS:$n.$domain" 1825 ;;
	esac
done
server mbx01 15.2.1544.4 namespace self-mbx01
server mbx02 15.2.1544.4 namespace wildcard
server mbx03 15.2.1544.4 namespace namespace
server mbx04 15.1.2507.39 namespace self-mbx04
fleet="mbx01 mbx02 mbx03 mbx04"
if [ "$faults" = --faults ]; then
	for n in mbx05 mbx07 mbx08 mbx10; do
		selfsigned "self-$n" "/CN=${n^^}" "DNS:${n^^},DNS:$n.$domain" 1825
	done
	selfsigned self-mbx06 "/CN=MBX06" "DNS:MBX06,DNS:mbx06.$domain" 5
	key self-mbx09 1024
	openssl req -x509 -new -key "$tmp/self-mbx09.key" -subj "/CN=MBX09" -days 1825 -sha256 \
		-addext "subjectAltName=DNS:MBX09,DNS:mbx09.$domain" -outform DER \
		-out "$tmp/self-mbx09.cer" 2>/dev/null
	server mbx05 15.2.1544.4 namespace self-mbx05
	rm -f "$out/mbx05/certstore/LocalMachine/My/$(thumb "$tmp/self-mbx05.cer")".*
	server mbx06 15.2.1544.4 namespace self-mbx06
	server mbx07 15.2.1544.4 namespace self-mbx07 "10.0.0.7:444:" "10.0.0.7:444"
	server mbx08 15.2.1258.12 namespace self-mbx08
	server mbx09 15.2.1544.4 namespace self-mbx09
	server mbx10 15.2.1544.4 namespace self-mbx10 "*:444:" none
	fleet="$fleet mbx05 mbx06 mbx07 mbx08 mbx09 mbx10"

	# The TLS and Extended Protection servers: one key for all their
	# certificates (each certificate differs), healthy 444 bindings.
	key fault
	for i in $(seq 11 26); do
		selfsigned "self-mbx$i" "/CN=MBX$i" "DNS:MBX$i,DNS:mbx$i.$domain" 1825 fault
	done
	authcert auth-mbx20 30 fault
	protocols['TLS 1.0\Client']="00000001 00000000"
	protocols['TLS 1.0\Server']="00000001 00000000"
	server mbx11 15.2.1544.4 namespace self-mbx11
	protocols['TLS 1.1\Server']="00000000 00000000"
	server mbx12 15.2.1544.4 namespace self-mbx12
	protocols['TLS 1.2\Client']="00000000 00000001"
	protocols['TLS 1.2\Server']="00000000 00000001"
	server mbx13 15.2.1544.4 namespace self-mbx13
	strong_v4_wow64=0
	server mbx14 15.2.1544.4 namespace self-mbx14
	token["Default Web Site/EWS"]=Require
	server mbx15 15.2.1544.4 namespace self-mbx15
	token["Exchange Back End/owa"]=None
	server mbx16 15.2.1544.4 namespace self-mbx16
	lmcompat=2
	server mbx17 15.2.1544.4 namespace self-mbx17
	hsts_be='<hsts enabled="true" max-age="31536000" />'
	server mbx18 15.2.1544.4 namespace self-mbx18
	hsts_fe='<hsts enabled="true" max-age="86400" />'
	server mbx19 15.2.1544.4 namespace self-mbx19
	auth=auth-mbx20
	server mbx20 15.2.1544.4 namespace self-mbx20
	renego_clients=1
	server mbx21 15.2.1544.4 namespace self-mbx21
	protocols['TLS 1.2\Client']="ffffffff 00000000"
	protocols['TLS 1.2\Server']="ffffffff 00000000"
	server mbx22 15.2.1544.4 namespace self-mbx22
	dotnet=no
	server mbx23 15.2.1544.4 namespace self-mbx23
	token["Exchange Back End/EWS"]=None
	allow_unlisted["Exchange Back End/EWS"]=false
	server mbx24 15.2.1544.4 namespace self-mbx24
	for p in "${!token[@]}"; do token[$p]=None; done
	server mbx25 15.2.986.26 namespace self-mbx25
	protocols['TLS 1.3\Client']="00000000 00000001"
	protocols['TLS 1.3\Server']="00000000 00000001"
	server mbx26 15.2.1544.4 namespace self-mbx26
	for i in $(seq 11 26); do fleet="$fleet mbx$i"; done
fi
for n in $fleet; do logs "$out/$n" "$(echo "$n" | tr a-z A-Z)"; done
# Test material beside (never inside) the evidence roots: the keys, so a
# test can serve the very certificates the evidence binds and probe them.
mkdir -p "$out/_keys"
for c in namespace wildcard self-mbx01 self-mbx02 self-mbx03 self-mbx04; do
	openssl x509 -inform DER -in "$tmp/$c.cer" -out "$out/_keys/$c.pem"
	cp "$tmp/$c.key" "$out/_keys/$c.key"
done
cp "$tmp/issuingca.pem" "$tmp/rootca.pem" "$out/_keys/"
echo "example fleet written to $out: $fleet (keys for tests in _keys/)"
