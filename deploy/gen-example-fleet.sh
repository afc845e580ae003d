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

# selfsigned NAME SUBJECT SAN DAYS
selfsigned() {
	key "$1"
	openssl req -x509 -new -key "$tmp/$1.key" -subj "$2" -days "$4" -sha256 \
		-addext "subjectAltName=$3" -addext "extendedKeyUsage=serverAuth" \
		-addext "keyUsage=digitalSignature,keyEncipherment" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-outform DER -out "$tmp/$1.cer" 2>/dev/null
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

# Shared certificates: the namespace SAN certificate (valid a year) and a
# wildcard (200 days), so the expiry timeline has marks within its 400 days.
issued namespace "/C=US/O=Corp Example/CN=mail.$domain" \
	"DNS:mail.$domain,DNS:autodiscover.$domain,DNS:owa.$domain" 365 issuingca
issued wildcard "/C=US/O=Corp Example/CN=*.$domain" "DNS:*.$domain,DNS:$domain" 200 issuingca

# Wraps "prefix" + comma-separated hex bytes the way reg.exe does: lines of
# at most 80 characters, continued with "\" and a two-space indent.
regwrap() {
	awk -v pre="$1" -v hex="$2" 'BEGIN {
		n = split(hex, b, ","); line = pre;
		for (i = 1; i <= n; i++) {
			item = b[i] (i < n ? "," : "");
			if (length(line) + length(item) > 77 && i < n) {
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
                </bindings>
            </site>
            <site name="Exchange Back End" id="2">
                <application path="/" applicationPool="MSExchangeServicesAppPool">
                    <virtualDirectory path="/" physicalPath="C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:81:" />
                    <binding protocol="https" bindingInformation="$be" sslFlags="0" />
                </bindings>
            </site>
            <siteDefaults>
                <logFile logFormat="W3C" directory="%SystemDrive%\\inetpub\\logs\\LogFiles" />
                <traceFailedRequestsLogging directory="%SystemDrive%\\inetpub\\logs\\FailedReqLogFiles" />
            </siteDefaults>
        </sites>
    </system.applicationHost>
</configuration>
XML
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
