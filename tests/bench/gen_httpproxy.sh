#!/usr/bin/env bash
# Writes an HttpProxy log of about SIZE_MIB MiB (72 columns, realistic
# values, 1 in 20 records with a quoted GenericErrors field) for the scan
# benchmark.   tests/bench/gen_httpproxy.sh OUT SIZE_MIB
set -euo pipefail
out=$1
mib=$2
hdr="DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus"
# A block of 4096 varied records, repeated to the size: the generator stays
# fast, the scanner still sees every value shape.
block=$(mktemp)
trap 'rm -f "$block"' EXIT
awk -v seed=42 'BEGIN {
	srand(seed)
	for (i = 0; i < 4096; i++) {
		r = rand(); http = 200; be = 200; err = ""; gen = ""
		if (r < 0.05) { http = 503; be = ""; err = "TrustFailure"; gen = "\"WebExceptionStatus=TrustFailure;WebException=System.Net.WebException: The underlying connection was closed, trust\"" }
		else if (r < 0.08) { be = 500 }
		else if (r < 0.12) { http = 401; be = "" }
		printf "2026-11-25T14:%02d:%02d.%03dZ,%08x-1111-4222-8333-%012d,15,2,1544,4,,Owa,mail.corp.example,/owa/service.svc,GetItem,Negotiate,True,CORP\\user%04d,,SMTP:user%04d@corp.example,Mozilla/5.0 (Windows NT 10.0; Win64; x64),10.1.%d.%d,MBX01,%d,%s,%s,POST,Proxy,mbx%02d.corp.example,Version 15.2 (Build 1544.4),DatabaseGuid,MailboxGuid~1234,,mbx01.corp.example,0,512,2048,1,,0,0,,0,,0,,0,0,,0,3,0,0,1,0,12,0,0,0,0,0,5,5,0,14,0,2,1,19,0,?action=GetItem,,,%s,,a7b3c1d2-0000-0000-0000-000000000000,4b4f0c5a-0000-0000-0000-000000000001,0,\r\n", i % 60, i % 60, i % 1000, i, i, i % 3000, i % 3000, i % 250, i % 250, http, be, err, i % 40, gen
	}
}' >"$block"
{
	printf '#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: HttpProxy Logs\r\n#Date: 2026-11-25T14:00:00.000Z\r\n#Fields: %s\r\n' "$hdr"
	bsize=$(stat -c %s "$block")
	n=$(( mib * 1024 * 1024 / bsize + 1 ))
	for _ in $(seq "$n"); do cat "$block"; done
} >"$out"
