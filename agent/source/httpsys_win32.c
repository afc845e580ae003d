/* httpsys_win32: the http.sys certificate bindings on a live server, asked
 * of http.sys itself through HttpQueryServiceConfiguration (IP:port, SNI
 * host:port and central-certificate-store bindings), the same answer
 * `netsh http show sslcert` prints. When the HTTP Server API cannot answer
 * (not running, not permitted), the registry keys http.sys keeps them in
 * are read instead; each binding's `source` says which answered. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "live.h"
#include "sslbind.h"

/* The SNI and CCS configuration sets (Windows 8 and later) are not in
 * mingw-w64's http.h; their layout is the Windows SDK's. */
#define HTTPSYS_CONFIG_SNI ((HTTP_SERVICE_CONFIG_ID)5) /* HttpServiceConfigSslSniCertInfo */
#define HTTPSYS_CONFIG_CCS ((HTTP_SERVICE_CONFIG_ID)6) /* HttpServiceConfigSslCcsCertInfo */
#define HTTPSYS_MAX_BINDINGS 4096u

struct httpsys_sni_key {
	SOCKADDR_STORAGE ip_port;
	PWSTR host;
};
struct httpsys_sni_set {
	struct httpsys_sni_key key;
	HTTP_SERVICE_CONFIG_SSL_PARAM param;
};
struct httpsys_sni_query {
	HTTP_SERVICE_CONFIG_QUERY_TYPE type;
	struct httpsys_sni_key key;
	DWORD token;
};
struct httpsys_ccs_set {
	SOCKADDR_STORAGE local;
	HTTP_SERVICE_CONFIG_SSL_PARAM param;
};
struct httpsys_ccs_query {
	HTTP_SERVICE_CONFIG_QUERY_TYPE type;
	SOCKADDR_STORAGE local;
	DWORD token;
};

/* "0.0.0.0:443" or "[::]:443", as http.sys names its registry keys. */
static int
httpsys_ipport(const struct sockaddr *sa, char *out, size_t outsz)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (sa == NULL)
		return BS_EPARSE;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		if (inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip)) == NULL)
			return BS_EPARSE;
		n = snprintf(out, outsz, "%s:%u", ip, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip)) == NULL)
			return BS_EPARSE;
		n = snprintf(out, outsz, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else {
		return BS_EPARSE;
	}
	return n > 0 && (size_t)n < outsz ? 0 : BS_ETOOBIG;
}

static unsigned
httpsys_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

static int
httpsys_push(struct bs_sweep *s, Bindscope__V1__SslBindingKind kind, const char *endpoint,
    const HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
	struct bs_sslbind_entry e = {kind, endpoint, p->pSslHash, p->SslHashLength, NULL,
	    (const uint8_t *)&p->AppId, "http-api", endpoint};
	Bindscope__V1__SslBinding *b;
	Bindscope__V1__OptU32 *flags, *mode;
	char store[128];
	int rv;

	if (p->pSslCertStoreName != NULL &&
	    WideCharToMultiByte(
	        CP_UTF8, 0, p->pSslCertStoreName, -1, store, sizeof(store), NULL, NULL) > 0)
		e.store = store;
	if ((rv = bs_sslbind_push(s, &e, &b)) != 0)
		return rv;
	if ((flags = BS_NEW(s->arena, opt_u32)) == NULL ||
	    (mode = BS_NEW(s->arena, opt_u32)) == NULL)
		return BS_ENOMEM;
	flags->value = p->DefaultFlags;
	mode->value = p->DefaultCertCheckMode;
	b->default_flags = flags;
	b->cert_check_mode = mode;
	return 0;
}

/* One entry of a configuration set into *buf, grown as needed: NO_ERROR,
 * ERROR_NO_MORE_ITEMS after the last, or the error. */
static ULONG
httpsys_query(HTTP_SERVICE_CONFIG_ID id, void *q, ULONG qlen, uint8_t **buf, ULONG *cap)
{
	ULONG need = 0, st;

	for (;;) {
		st = HttpQueryServiceConfiguration(NULL, id, q, qlen, *buf, *cap, &need, NULL);
		if (st != ERROR_INSUFFICIENT_BUFFER || need <= *cap)
			break;
		{
			uint8_t *nb = realloc(*buf, need);

			if (nb == NULL)
				return ERROR_NOT_ENOUGH_MEMORY;
			*buf = nb;
			*cap = need;
		}
	}
	return st;
}

/* Reads every binding of the three sets; 0 and *answered 1 when http.sys
 * answered, *why holding the error otherwise. */
static int
httpsys_read(struct bs_sweep *s, int *answered, ULONG *why)
{
	uint8_t *buf = NULL;
	ULONG cap = 0, st = NO_ERROR;
	char ep[600];
	int rv = 0;

	*answered = 0;
	for (DWORD i = 0; i < HTTPSYS_MAX_BINDINGS && rv == 0; i++) {
		HTTP_SERVICE_CONFIG_SSL_QUERY q;
		const HTTP_SERVICE_CONFIG_SSL_SET *set;

		memset(&q, 0, sizeof(q));
		q.QueryDesc = HttpServiceConfigQueryNext;
		q.dwToken = i;
		st = httpsys_query(HttpServiceConfigSSLCertInfo, &q, sizeof(q), &buf, &cap);
		if (st == NO_ERROR && buf == NULL)
			st = ERROR_INVALID_DATA;
		if (st != NO_ERROR)
			break;
		set = (const HTTP_SERVICE_CONFIG_SSL_SET *)buf;
		if (httpsys_ipport(set->KeyDesc.pIpPort, ep, sizeof(ep)) == 0)
			rv = httpsys_push(s, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP, ep,
			    &set->ParamDesc);
	}
	if (st != ERROR_NO_MORE_ITEMS && s->report->n_ssl_bindings == 0) {
		*why = st; /* the very first query failed: let the registry answer */
		goto out;
	}
	if (st != ERROR_NO_MORE_ITEMS)
		bs_sweep_error(s, "sslbind", "HttpQueryServiceConfiguration", 0,
		    "the HTTP Server API stopped answering (error %lu): IP bindings may be missing",
		    (unsigned long)st);
	*answered = 1;
	for (DWORD i = 0; i < HTTPSYS_MAX_BINDINGS && rv == 0; i++) {
		struct httpsys_sni_query q;
		const struct httpsys_sni_set *set;
		char host[512];

		memset(&q, 0, sizeof(q));
		q.type = HttpServiceConfigQueryNext;
		q.token = i;
		if (httpsys_query(HTTPSYS_CONFIG_SNI, &q, sizeof(q), &buf, &cap) != NO_ERROR ||
		    buf == NULL)
			break; /* ERROR_NO_MORE_ITEMS, or a Windows before 8 */
		set = (const struct httpsys_sni_set *)buf;
		if (set->key.host == NULL ||
		    WideCharToMultiByte(
		        CP_UTF8, 0, set->key.host, -1, host, sizeof(host), NULL, NULL) <= 0)
			continue;
		snprintf(ep, sizeof(ep), "%s:%u", host,
		    httpsys_port((const struct sockaddr *)&set->key.ip_port));
		rv = httpsys_push(
		    s, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI, ep, &set->param);
	}
	for (DWORD i = 0; i < HTTPSYS_MAX_BINDINGS && rv == 0; i++) {
		struct httpsys_ccs_query q;
		const struct httpsys_ccs_set *set;

		memset(&q, 0, sizeof(q));
		q.type = HttpServiceConfigQueryNext;
		q.token = i;
		if (httpsys_query(HTTPSYS_CONFIG_CCS, &q, sizeof(q), &buf, &cap) != NO_ERROR ||
		    buf == NULL)
			break;
		set = (const struct httpsys_ccs_set *)buf;
		if (httpsys_ipport((const struct sockaddr *)&set->local, ep, sizeof(ep)) == 0)
			rv = httpsys_push(
			    s, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_CCS, ep, &set->param);
	}
out:
	free(buf);
	return rv;
}

int
bs_src_sslbind_live(struct bs_sweep *s)
{
	HTTPAPI_VERSION v = HTTPAPI_VERSION_1;
	ULONG st = HttpInitialize(v, HTTP_INITIALIZE_CONFIG, NULL), why = st;
	int answered = 0, rv = 0;

	if (st == NO_ERROR) {
		rv = httpsys_read(s, &answered, &why);
		HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
	}
	if (rv != 0 || answered)
		return rv;
	/* Nothing was pushed: the first query failed. */
	bs_sweep_error(s, "sslbind", "HttpQueryServiceConfiguration", 0,
	    "the HTTP Server API did not answer (error %lu): http.sys bindings read from "
	    "the registry instead",
	    (unsigned long)why);
	return bs_src_sslbind(s);
}
