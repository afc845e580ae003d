/* tls_probe_test: real TLS servers on loopback (OpenSSL, in-process threads)
 * presenting the certificates that matter on 444, and the failures the
 * probe must tell apart, each asserted by its exact classification. */
#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "certfacts.h"
#include "tls_probe.h"

#define NAME "mbx01.corp.test"

struct cert {
	X509 *x;
	EVP_PKEY *k;
};

static struct cert root, inter, leaf, ns, wild, expired, selfs;

static struct cert
mk(const char *cn, const char *san, const struct cert *issuer, int ca, int from_days, int to_days)
{
	struct cert c;
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	static long serial = 1;

	c.k = EVP_EC_gen("P-256");
	c.x = X509_new();
	X509_set_version(c.x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c.x), serial++);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(c.x, n);
	X509_set_issuer_name(c.x, issuer != NULL ? X509_get_subject_name(issuer->x) : n);
	X509_gmtime_adj(X509_getm_notBefore(c.x), (long)from_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(c.x), (long)to_days * 86400);
	X509_set_pubkey(c.x, c.k);
	X509V3_set_ctx(&v3, issuer != NULL ? issuer->x : c.x, c.x, NULL, NULL, 0);
	if (ca) {
		X509_EXTENSION *e =
		    X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:TRUE");
		X509_add_ext(c.x, e, -1);
		X509_EXTENSION_free(e);
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
		X509_add_ext(c.x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (san != NULL) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		X509_add_ext(c.x, e, -1);
		X509_EXTENSION_free(e);
	}
	X509_sign(c.x, issuer != NULL ? issuer->k : c.k, EVP_sha256());
	X509_NAME_free(n);
	return c;
}

static int
setup_certs(void **state)
{
	(void)state;
	/* A TLS peer that already closed must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	root = mk("Test Root", NULL, NULL, 1, -10, 3650);
	inter = mk("Test Issuing", NULL, &root, 1, -10, 3650);
	leaf = mk(NAME, "DNS:" NAME, &inter, 0, -1, 365);
	ns = mk(
	    "mail.corp.test", "DNS:mail.corp.test,DNS:autodiscover.corp.test", &inter, 0, -1, 365);
	wild = mk("*.corp.test", "DNS:*.corp.test", &inter, 0, -1, 365);
	expired = mk(NAME, "DNS:" NAME, &inter, 0, -400, -5);
	selfs = mk("MBX01", "DNS:MBX01,DNS:" NAME, NULL, 0, -1, 1825);
	return 0;
}

enum mode { M_TLS, M_SILENT, M_REJECT_SNI, M_GARBAGE };

struct server {
	int lfd;
	unsigned port;
	enum mode mode;
	const struct cert *c;
	const struct cert *extra; /* chain certificate sent after the leaf */
	pthread_t th;
};

/* A server with no certificate for the name asked (an SNI-only binding
 * for another host) ends the handshake with an alert. */
static int
reject_sni(SSL *ssl, int *al, void *arg)
{
	(void)ssl;
	(void)arg;
	*al = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	SSL_CTX *ctx;
	SSL *ssl;

	if (fd < 0)
		return NULL;
	if (s->mode == M_SILENT) {
		sleep(3); /* accepts and never answers */
		close(fd);
		return NULL;
	}
	if (s->mode == M_GARBAGE) {
		static const char junk[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
		char buf[512];

		(void)!read(fd, buf, sizeof(buf));
		(void)!write(fd, junk, sizeof(junk) - 1);
		close(fd);
		return NULL;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, s->c->x);
	SSL_CTX_use_PrivateKey(ctx, s->c->k);
	if (s->extra != NULL) {
		X509_up_ref(s->extra->x);
		SSL_CTX_add_extra_chain_cert(ctx, s->extra->x);
	}
	if (s->mode == M_REJECT_SNI)
		SSL_CTX_set_tlsext_servername_callback(ctx, reject_sni);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		char buf[64];

		SSL_read(ssl, buf, sizeof(buf)); /* until the client closes */
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return NULL;
}

static void
start(struct server *s, enum mode m, const struct cert *c, const struct cert *extra)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	getsockname(s->lfd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	s->mode = m;
	s->c = c;
	s->extra = extra;
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void
stop(struct server *s)
{
	pthread_join(s->th, NULL);
	close(s->lfd);
}

static X509_STORE *
trust(const struct cert *anchor)
{
	X509_STORE *st = X509_STORE_new();

	if (anchor != NULL)
		X509_STORE_add_cert(st, anchor->x);
	return st;
}

/* Runs one probe against a fresh server; returns the result code. */
static Bindscope__V1__ProbeResult
probe(struct bs_arena *a, enum mode m, const struct cert *c, const struct cert *extra,
    const struct cert *anchor, unsigned timeout_ms, Bindscope__V1__Probe **out)
{
	struct server s;
	struct bs_probe_target t = {"127.0.0.1", 0, NAME};
	struct bs_probe_opts o = {timeout_ms, trust(anchor)};

	start(&s, m, c, extra);
	t.port = s.port;
	assert_int_equal(bs_probe_run(&t, &o, a, out), 0);
	stop(&s);
	X509_STORE_free(o.trust);
	return (*out)->result;
}

static void
test_valid_chain(void **state)
{
	struct bs_arena a;
	Bindscope__V1__Probe *p;
	char thumb[41];

	(void)state;
	bs_arena_init(&a, 0);
	assert_int_equal(probe(&a, M_TLS, &leaf, &inter, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_OK);
	assert_int_equal(p->leaf_covers_name, BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(p->n_chain, 2);
	bs_certfacts_thumbprint(leaf.x, thumb);
	assert_string_equal(p->chain_thumbprints[0], thumb);
	assert_string_equal(p->chain[1]->subject, "CN=Test Issuing");
	assert_string_equal(p->sni, NAME);
	assert_non_null(strstr(p->tls_version, "TLS"));
	assert_true(p->cipher[0] != '\0');
	assert_int_equal(p->n_cert_problems, 0);
	bs_arena_fini(&a);
}

static void
test_certificate_problems(void **state)
{
	struct bs_arena a;
	Bindscope__V1__Probe *p;

	(void)state;
	bs_arena_init(&a, 0);
	/* The seed failure: the namespace certificate on 444. */
	assert_int_equal(probe(&a, M_TLS, &ns, &inter, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH);
	assert_int_equal(p->leaf_covers_name, BINDSCOPE__V1__TRI__TRI_NO);
	/* A wildcard one label deep covers the FQDN. */
	assert_int_equal(probe(&a, M_TLS, &wild, &inter, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_OK);
	assert_int_equal(probe(&a, M_TLS, &expired, &inter, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_EXPIRED);
	/* The server forgot its intermediate. */
	assert_int_equal(probe(&a, M_TLS, &leaf, NULL, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_CHAIN_INCOMPLETE);
	/* A chain to a root nobody trusts. */
	assert_int_equal(probe(&a, M_TLS, &leaf, &inter, NULL, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_UNTRUSTED);
	/* Exchange's own self-signed certificate: self-signed unless trusted. */
	assert_int_equal(probe(&a, M_TLS, &selfs, NULL, NULL, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED);
	assert_int_equal(p->leaf_covers_name, BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(probe(&a, M_TLS, &selfs, NULL, &selfs, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_OK);
	/* Every problem is listed, not only the first. */
	assert_int_equal(probe(&a, M_TLS, &ns, NULL, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH);
	assert_int_equal(p->n_cert_problems, 2);
	assert_string_equal(p->cert_problems[1], "PROBE_CERT_CHAIN_INCOMPLETE");
	bs_arena_fini(&a);
}

static void
test_transport_failures(void **state)
{
	struct bs_arena a;
	Bindscope__V1__Probe *p;
	struct bs_probe_target t = {"127.0.0.1", 0, NAME};
	struct bs_probe_opts o = {800, NULL};
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct timespec t0, t1;
	int fd;

	(void)state;
	bs_arena_init(&a, 0);
	/* A port nobody listens on. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	t.port = ntohs(sa.sin_port);
	assert_int_equal(bs_probe_run(&t, &o, &a, &p), 0);
	assert_int_equal(p->result, BINDSCOPE__V1__PROBE_RESULT__PROBE_REFUSED);
	/* Accepts and never answers: the deadline holds. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(probe(&a, M_SILENT, NULL, NULL, NULL, 800, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 3500);
	assert_true(p->connect_ms < 800);
	/* The server has no certificate for the name and says so. */
	assert_int_equal(probe(&a, M_REJECT_SNI, &leaf, &inter, &root, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_TLS_ALERT);
	assert_non_null(strstr(p->detail, "unrecognized name"));
	/* Not TLS at all. */
	assert_int_equal(probe(&a, M_GARBAGE, NULL, NULL, NULL, 5000, &p),
	    BINDSCOPE__V1__PROBE_RESULT__PROBE_HANDSHAKE_FAILURE);
	/* A name that does not resolve. */
	t.host = "nonexistent.invalid";
	assert_int_equal(bs_probe_run(&t, &o, &a, &p), 0);
	assert_int_equal(p->result, BINDSCOPE__V1__PROBE_RESULT__PROBE_DNS_FAILURE);
	bs_arena_fini(&a);
}

static void
test_concurrent(void **state)
{
	struct bs_arena a;
	struct server s1, s2;
	struct bs_probe_target t[3] = {
	    {"127.0.0.1", 0, NAME}, {"127.0.0.1", 0, NAME}, {"nonexistent.invalid", 444, NULL}};
	struct bs_probe_opts o = {3000, trust(&root)};
	Bindscope__V1__Probe *out[3];

	(void)state;
	bs_arena_init(&a, 0);
	start(&s1, M_TLS, &leaf, &inter);
	start(&s2, M_TLS, &ns, &inter);
	t[0].port = s1.port;
	t[1].port = s2.port;
	assert_int_equal(bs_probe_run_many(t, 3, &o, &a, out), 0);
	stop(&s1);
	stop(&s2);
	assert_int_equal(out[0]->result, BINDSCOPE__V1__PROBE_RESULT__PROBE_OK);
	assert_int_equal(out[1]->result, BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH);
	assert_int_equal(out[2]->result, BINDSCOPE__V1__PROBE_RESULT__PROBE_DNS_FAILURE);
	X509_STORE_free(o.trust);
	bs_arena_fini(&a);
}

static void
test_parse_target(void **state)
{
	char host[64];
	unsigned port;

	(void)state;
	assert_int_equal(
	    bs_probe_parse_target("mbx01.corp.example:444", host, sizeof(host), &port), 0);
	assert_string_equal(host, "mbx01.corp.example");
	assert_int_equal(port, 444);
	assert_int_equal(bs_probe_parse_target("[::1]:443", host, sizeof(host), &port), 0);
	assert_string_equal(host, "::1");
	assert_int_not_equal(bs_probe_parse_target("mbx01", host, sizeof(host), &port), 0);
	assert_int_not_equal(bs_probe_parse_target("mbx01:0", host, sizeof(host), &port), 0);
	assert_int_not_equal(bs_probe_parse_target(":443", host, sizeof(host), &port), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_chain),
	    cmocka_unit_test(test_certificate_problems),
	    cmocka_unit_test(test_transport_failures),
	    cmocka_unit_test(test_concurrent),
	    cmocka_unit_test(test_parse_target),
	};
	return cmocka_run_group_tests(tests, setup_certs, NULL);
}
