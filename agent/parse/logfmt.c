/* logfmt: HttpProxy CSV and IIS W3C record parsers. Hot path: one pass
 * over each record with memchr, touching only the columns we need. */
#include "logfmt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"

#define MAX_COLS 256

enum role {
	R_NONE = 0,
	R_TIME, /* HttpProxy DateTime; W3C time */
	R_DATE, /* W3C date */
	R_STATUS, /* HttpStatus; sc-status */
	R_BACKEND, /* BackEndStatus */
	R_ERROR, /* ErrorCode */
	R_TARGET, /* TargetServer */
	R_GENERIC, /* GenericErrors */
	R_SUB, /* sc-substatus */
	R_WIN32, /* sc-win32-status */
	R_PORT, /* s-port */
	/* Roles from here on only matter for examples: how to redact them. */
	R_PERSONAL, /* the whole value */
	R_QUERY, /* a query string: parameter values */
	R_URL, /* a URL or path: segments naming a mailbox, and its query */
	R_COUNT
};

/* A role the counters read (the rest only shape examples). */
#define COUNTED(r) ((r) != R_NONE && (r) < R_PERSONAL)

static const struct {
	const char *name;
	enum role role;
} httpproxy_cols[] =
    {
        {"DateTime", R_TIME},
        {"HttpStatus", R_STATUS},
        {"BackEndStatus", R_BACKEND},
        {"ErrorCode", R_ERROR},
        {"TargetServer", R_TARGET},
        {"GenericErrors", R_GENERIC},
        {"AuthenticatedUser", R_PERSONAL},
        {"AnchorMailbox", R_PERSONAL},
        {"ClientIpAddress", R_PERSONAL},
        {"UserADObjectGuid", R_PERSONAL},
        {"RoutingHint", R_PERSONAL},
        {"BackEndCookie", R_PERSONAL},
        {"DatabaseGuid", R_PERSONAL},
        {"UrlStem", R_URL},
        {"UrlQuery", R_QUERY},
},
  w3c_cols[] = {
      {"date", R_DATE},
      {"time", R_TIME},
      {"sc-status", R_STATUS},
      {"sc-substatus", R_SUB},
      {"sc-win32-status", R_WIN32},
      {"s-port", R_PORT},
      {"cs-username", R_PERSONAL},
      {"c-ip", R_PERSONAL},
      {"cs(Cookie)", R_PERSONAL},
      {"cs-uri-stem", R_URL},
      {"cs-uri-query", R_QUERY},
      {"cs(Referer)", R_URL},
};

/* Query parameters whose values say what a request did and name no one;
 * every other value in a query string is pseudonymised, since Exchange
 * puts mailbox GUIDs and addresses, mailbox servers and databases,
 * request ids and tokens there under many names. */
static const char *const query_plain_keys[] = {
    "action",
    "app",
    "Cmd",
    "DeviceType",
    "encoding",
    "n",
    "Protocol",
    "RedirectCount",
    "UA",
    "ver",
};

/* ErrorCode values that mean the back end did not answer (the .NET
 * WebExceptionStatus names HttpProxy writes); ClientDisconnect and
 * authentication errors are not back-end failures. */
static const char *const backend_failure_codes[] = {
    "TrustFailure",
    "SendFailure",
    "ConnectFailure",
    "ReceiveFailure",
    "NameResolutionFailure",
    "SecureChannelFailure",
    "Timeout",
    "ConnectionClosed",
    "KeepAliveFailure",
    "ProtocolError",
    "ServerProtocolViolation",
    "RequestCanceled",
};

struct bs_logfmt {
	enum bs_logfmt_kind kind;
	struct bs_arena *a;
	Bindscope__V1__LogSample *ls;
	struct bs_logagg *agg;
	struct bs_logfmt_cfg cfg;
	int have_fields;
	int ncols;
	int maxcol; /* highest column index with a counting role */
	int corecol; /* highest one needed for every record (GenericErrors is
	              * read only for failures, and it sits near the end) */
	unsigned char role[MAX_COLS];
	int has_role[R_COUNT];
	char sep;
};

void
bs_logfmt_pseudonym(const uint8_t key[32], const char *v, size_t n, char out[15])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), key, 32, (const unsigned char *)v, n, md, &mdlen);
	out[0] = 'h';
	out[1] = ':';
	for (int i = 0; i < 6; i++) {
		out[2 + 2 * i] = hex[md[i] >> 4];
		out[3 + 2 * i] = hex[md[i] & 15];
	}
	out[14] = '\0';
}

int
bs_logfmt_create(enum bs_logfmt_kind kind, struct bs_arena *a, Bindscope__V1__LogSample *ls,
    const struct bs_logfmt_cfg *cfg, struct bs_logfmt **out)
{
	struct bs_logfmt *f = calloc(1, sizeof(*f));
	int rv;

	*out = NULL;
	if (f == NULL)
		return BS_ENOMEM;
	f->kind = kind;
	f->a = a;
	f->ls = ls;
	f->cfg = *cfg;
	f->sep = kind == BS_LOGFMT_HTTPPROXY ? ',' : ' ';
	if ((rv = bs_logagg_create(a, ls, &f->agg)) != 0) {
		free(f);
		return rv;
	}
	*out = f;
	return 0;
}

void
bs_logfmt_destroy(struct bs_logfmt *f)
{
	if (f == NULL)
		return;
	bs_logagg_destroy(f->agg);
	free(f);
}

void
bs_logfmt_set_window(struct bs_logfmt *f, int64_t ms)
{
	f->cfg.window_start_ms = ms;
}

void
bs_logfmt_new_file(struct bs_logfmt *f)
{
	f->have_fields = 0;
}

static void
logfmt_fields(struct bs_logfmt *f, const char *s, size_t n)
{
	const char *e = s + n;
	int col = 0;

	while (s < e && *s == ' ')
		s++; /* "#Fields: date ..." */
	memset(f->role, 0, sizeof(f->role));
	memset(f->has_role, 0, sizeof(f->has_role));
	f->maxcol = -1;
	f->corecol = -1;
	while (s <= e && col < MAX_COLS) {
		const char *c = memchr(s, f->sep, (size_t)(e - s));
		const char *ce = c != NULL ? c : e;
		const char *b = s;
		size_t k, cnt;

		while (b < ce && *b == ' ')
			b++;
		while (ce > b && ce[-1] == ' ')
			ce--;
		if (f->kind == BS_LOGFMT_HTTPPROXY) {
			cnt = sizeof(httpproxy_cols) / sizeof(httpproxy_cols[0]);
			for (k = 0; k < cnt; k++)
				if (strlen(httpproxy_cols[k].name) == (size_t)(ce - b) &&
				    memcmp(httpproxy_cols[k].name, b, (size_t)(ce - b)) == 0)
					break;
			if (k < cnt)
				f->role[col] = (unsigned char)httpproxy_cols[k].role;
		} else {
			cnt = sizeof(w3c_cols) / sizeof(w3c_cols[0]);
			for (k = 0; k < cnt; k++)
				if (strlen(w3c_cols[k].name) == (size_t)(ce - b) &&
				    memcmp(w3c_cols[k].name, b, (size_t)(ce - b)) == 0)
					break;
			if (k < cnt)
				f->role[col] = (unsigned char)w3c_cols[k].role;
		}
		if (f->role[col] != R_NONE) {
			f->has_role[f->role[col]] = 1;
			if (COUNTED(f->role[col]))
				f->maxcol = col;
			if (COUNTED(f->role[col]) && f->role[col] != R_GENERIC)
				f->corecol = col;
		}
		col++;
		if (c == NULL)
			break;
		s = c + 1;
	}
	f->ncols = col;
	f->have_fields = f->has_role[R_STATUS] && (f->kind == BS_LOGFMT_W3C || f->has_role[R_TIME]);
	if (!f->have_fields)
		bs_logagg_skip(f->agg,
		    f->kind == BS_LOGFMT_HTTPPROXY ? "#Fields line lacks DateTime or HttpStatus"
		                                   : "#Fields line lacks sc-status");
}

struct slice {
	const char *p;
	size_t n;
};

/* Bytes of w equal to the pattern's byte, as 0x80 in each such byte
 * (exact: no false positives, so every bit can be used). */
static inline uint64_t
logfmt_hits(uint64_t w, uint64_t pat)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ pat;

	return ~(((x & low7) + low7) | x | low7);
}

/* A quoted CSV field at *fs (the opening quote): stores its inside in
 * v and returns the position after the closing quote, or NULL when the
 * quote is never closed. "" inside stays doubled, which no counted value
 * contains. */
static const char *
logfmt_quoted(const char *fs, const char *e, struct slice *v)
{
	const char *q = fs + 1;

	for (;;) {
		q = memchr(q, '"', (size_t)(e - q));
		if (q == NULL)
			return NULL;
		if (q + 1 < e && q[1] == '"') {
			q += 2;
			continue;
		}
		v->p = fs + 1;
		v->n = (size_t)(q - fs - 1);
		return q + 1;
	}
}

/* Splits rec into columns 0..upto. Exchange quotes whole fields, so a
 * quoted field starts with a quote right after a separator. The search
 * looks at eight bytes at a time and takes every separator in them, since
 * most fields are a few bytes long. Returns the number of fields seen. */
static int
logfmt_split(const struct bs_logfmt *f, const char *rec, size_t len, struct slice *v, int upto)
{
	const char *e = rec + len, *fs = rec, *q = rec;
	const uint64_t pat = 0x0101010101010101ULL * (unsigned char)f->sep;
	int csv = f->kind == BS_LOGFMT_HTTPPROXY;
	int col = 0;

	for (;;) {
		if (csv && fs < e && *fs == '"') {
			const char *after = logfmt_quoted(fs, e, &v[col]);

			if (after == NULL)
				return col; /* unterminated: a short record */
			col++;
			if (after >= e || col > upto)
				return col;
			if (*after != f->sep)
				return col - 1; /* text after the closing quote */
			fs = q = after + 1;
			continue;
		}
		while (e - q >= 8) {
			uint64_t w, hits;

			memcpy(&w, q, 8);
			hits = logfmt_hits(w, pat);
			while (hits != 0) {
				const char *sp = q + (__builtin_ctzll(hits) >> 3);

				v[col].p = fs;
				v[col].n = (size_t)(sp - fs);
				if (++col > upto)
					return col;
				fs = sp + 1;
				if (csv && fs < e && *fs == '"')
					goto next; /* the quoted path takes over */
				hits &= hits - 1;
			}
			q += 8;
		}
		for (; q < e; q++) {
			if (*q != f->sep)
				continue;
			v[col].p = fs;
			v[col].n = (size_t)(q - fs);
			if (++col > upto)
				return col;
			fs = q + 1;
			if (csv && fs < e && *fs == '"')
				goto next;
		}
		v[col].p = fs;
		v[col].n = (size_t)(e - fs);
		return col + 1;
	next:
		q = fs;
	}
}

static int
is_backend_failure_code(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(backend_failure_codes) / sizeof(backend_failure_codes[0]);
	     i++)
		if (strlen(backend_failure_codes[i]) == n &&
		    memcmp(backend_failure_codes[i], s, n) == 0)
			return 1;
	return 0;
}

/* A value that names nothing: empty, W3C's "-", Exchange's "<empty>". */
static int
logfmt_blank(const char *p, size_t n)
{
	return n == 0 || (n == 1 && *p == '-') || (n == 7 && memcmp(p, "<empty>", 7) == 0);
}

/* An SMTP address in it, plain or percent-encoded. */
static int
logfmt_has_address(const char *p, size_t n)
{
	if (memchr(p, '@', n) != NULL)
		return 1;
	for (size_t i = 0; i + 3 <= n; i++)
		if (p[i] == '%' && p[i + 1] == '4' && p[i + 2] == '0')
			return 1;
	return 0;
}

static void
logfmt_put_pseudonym(struct bs_logfmt *f, struct bs_buf *b, const char *p, size_t n)
{
	char h[15];

	bs_logfmt_pseudonym(f->cfg.key, p, n, h);
	bs_buf_puts(b, h);
}

static int
logfmt_plain_key(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof(query_plain_keys) / sizeof(query_plain_keys[0]); i++)
		if (strlen(query_plain_keys[i]) == n && strncasecmp(query_plain_keys[i], k, n) == 0)
			return 1;
	return 0;
}

/* A query string with each parameter's value pseudonymised unless its key
 * is a plain one; names, separators and Exchange's ';' terminators stay,
 * so the admin still sees the shape of the request. */
static void
logfmt_put_query(struct bs_logfmt *f, struct bs_buf *b, const char *p, size_t n)
{
	const char *e = p + n;

	if (p < e && *p == '?')
		bs_buf_putc(b, *p++);
	while (p < e) {
		const char *amp = memchr(p, '&', (size_t)(e - p));
		const char *pe = amp != NULL ? amp : e;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		const char *v = eq != NULL ? eq + 1 : p, *ve = pe;

		while (ve > v && ve[-1] == ';')
			ve--;
		bs_buf_append(b, p, (size_t)(v - p)); /* "key=" */
		if (logfmt_blank(v, (size_t)(ve - v)) ||
		    (eq != NULL && logfmt_plain_key(p, (size_t)(eq - p)) &&
		        !logfmt_has_address(v, (size_t)(ve - v))))
			bs_buf_append(b, v, (size_t)(ve - v));
		else
			logfmt_put_pseudonym(f, b, v, (size_t)(ve - v));
		bs_buf_append(b, ve, (size_t)(pe - ve)); /* ";" */
		if (amp == NULL)
			break;
		bs_buf_putc(b, '&');
		p = amp + 1;
	}
}

/* A URL or path: a segment holding an address (OWA explicit logon,
 * Autodiscover's /v1.0/<address>) is pseudonymised, the query after '?'
 * as above. */
static void
logfmt_put_url(struct bs_logfmt *f, struct bs_buf *b, const char *p, size_t n)
{
	const char *e = p + n, *q = memchr(p, '?', n);
	const char *pe = q != NULL ? q : e;

	while (p < pe) {
		const char *sl = memchr(p, '/', (size_t)(pe - p));
		const char *se = sl != NULL ? sl : pe;

		if (logfmt_has_address(p, (size_t)(se - p)))
			logfmt_put_pseudonym(f, b, p, (size_t)(se - p));
		else
			bs_buf_append(b, p, (size_t)(se - p));
		if (sl == NULL)
			break;
		bs_buf_putc(b, '/');
		p = sl + 1;
	}
	if (q != NULL)
		logfmt_put_query(f, b, q, (size_t)(e - q));
}

/* One column of an example, redacted as its role says. HttpProxy may
 * quote a field; the quotes stay around the redacted inside. */
static void
logfmt_put_field(struct bs_logfmt *f, struct bs_buf *b, int role, const char *p, size_t n)
{
	if (role == R_PERSONAL && !logfmt_blank(p, n)) {
		logfmt_put_pseudonym(f, b, p, n);
		return;
	}
	if ((role != R_QUERY && role != R_URL) || logfmt_blank(p, n)) {
		bs_buf_append(b, p, n);
		return;
	}
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		bs_buf_putc(b, '"');
		logfmt_put_field(f, b, role, p + 1, n - 2);
		bs_buf_putc(b, '"');
	} else if (role == R_QUERY) {
		logfmt_put_query(f, b, p, n);
	} else {
		logfmt_put_url(f, b, p, n);
	}
}

/* The example line, personal data replaced by pseudonyms (unless
 * redaction is off). */
static void
logfmt_example(struct bs_logfmt *f, const char *cls, const char *rec, size_t len)
{
	struct bs_buf b;
	const char *p = rec, *e = rec + len;
	int col = 0;

	bs_buf_init(&b, 4096);
	while (p <= e) {
		const char *fe = p;
		int inq = 0;

		while (fe < e && (inq || *fe != f->sep)) {
			if (*fe == '"' && f->kind == BS_LOGFMT_HTTPPROXY)
				inq = !inq;
			fe++;
		}
		if (col > 0)
			bs_buf_putc(&b, f->sep);
		if (f->cfg.redact && col < MAX_COLS)
			logfmt_put_field(f, &b, f->role[col], p, (size_t)(fe - p));
		else
			bs_buf_append(&b, p, (size_t)(fe - p));
		col++;
		if (fe >= e)
			break;
		p = fe + 1;
	}
	if (b.data != NULL)
		bs_logagg_example(f->agg, cls, b.data, b.len);
	bs_buf_fini(&b);
}

static void
logfmt_data(struct bs_logfmt *f, const char *rec, size_t len)
{
	struct slice v[MAX_COLS];
	const struct slice *sv[R_COUNT] = {0};
	uint32_t http, backend = BS_BACKEND_ABSENT, sub = 0, win32 = 0, port = 0;
	int64_t ms = 0;
	int n, failed, have_time;

	f->ls->lines_read++;
	if (!f->have_fields) {
		bs_logagg_skip(f->agg, "data line before a usable #Fields header");
		return;
	}
	n = logfmt_split(f, rec, len, v, f->corecol);
	if (n <= f->corecol) {
		bs_logagg_skip(f->agg, "fewer fields than the #Fields header names");
		return;
	}
	for (int i = 0; i <= f->corecol; i++)
		if (COUNTED(f->role[i]))
			sv[f->role[i]] = &v[i];
	if (sv[R_STATUS] == NULL || (f->kind == BS_LOGFMT_HTTPPROXY && sv[R_TIME] == NULL)) {
		bs_logagg_skip(f->agg, "fewer fields than the #Fields header names");
		return;
	}
	if (bs_log_uint(sv[R_STATUS]->p, sv[R_STATUS]->n, &http) != 0) {
		bs_logagg_skip(f->agg, "status is not a number");
		return;
	}
	if (f->kind == BS_LOGFMT_HTTPPROXY) {
		have_time = bs_log_time_iso(sv[R_TIME]->p, sv[R_TIME]->n, &ms) == 0;
		if (sv[R_BACKEND] != NULL && sv[R_BACKEND]->n > 0 &&
		    bs_log_uint(sv[R_BACKEND]->p, sv[R_BACKEND]->n, &backend) != 0) {
			bs_logagg_skip(f->agg, "BackEndStatus is not a number");
			return;
		}
	} else {
		have_time = sv[R_DATE] != NULL && sv[R_TIME] != NULL &&
		    bs_log_time_w3c(
		        sv[R_DATE]->p, sv[R_DATE]->n, sv[R_TIME]->p, sv[R_TIME]->n, &ms) == 0;
		if (sv[R_SUB] != NULL)
			bs_log_uint(sv[R_SUB]->p, sv[R_SUB]->n, &sub);
		if (sv[R_WIN32] != NULL)
			bs_log_uint(sv[R_WIN32]->p, sv[R_WIN32]->n, &win32);
		if (sv[R_PORT] != NULL)
			bs_log_uint(sv[R_PORT]->p, sv[R_PORT]->n, &port);
	}
	if (!have_time) {
		bs_logagg_skip(f->agg, "timestamp is not a date and time");
		return;
	}
	if (ms < f->cfg.window_start_ms) {
		f->ls->lines_before_window++;
		return;
	}
	bs_logagg_time(f->agg, ms);
	if (f->kind == BS_LOGFMT_W3C) {
		bs_logagg_status(f->agg, http, BS_BACKEND_ABSENT, "", 0, sub, win32, port);
		if (http >= 500) {
			char cls[32];

			snprintf(cls, sizeof(cls), "status %u", http);
			if (bs_logagg_want_example(f->agg, cls))
				logfmt_example(f, cls, rec, len);
		}
		return;
	}
	{
		const struct slice *err = sv[R_ERROR], *tgt = sv[R_TARGET], *gen = NULL;
		const char *we = NULL;
		size_t wen = 0;

		bs_logagg_status(f->agg, http, backend, err != NULL ? err->p : "",
		    err != NULL ? err->n : 0, 0, 0, 0);
		if (http == 200 && backend != BS_BACKEND_ABSENT && backend >= 500)
			f->ls->client_ok_backend_5xx++;
		failed = (backend != BS_BACKEND_ABSENT && backend >= 500) ||
		    (backend == BS_BACKEND_ABSENT && err != NULL &&
		        is_backend_failure_code(err->p, err->n));
		/* Only a failure needs GenericErrors: split the rest now. */
		if (failed && f->has_role[R_GENERIC] && f->maxcol > f->corecol &&
		    logfmt_split(f, rec, len, v, f->maxcol) > f->maxcol) {
			for (int i = f->corecol + 1; i <= f->maxcol; i++)
				if (f->role[i] == R_GENERIC)
					gen = &v[i];
		}
		if (failed && gen != NULL) {
			static const char key[] = "WebExceptionStatus=";
			const char *g = gen->p, *ge = gen->p + gen->n;

			while (g < ge && (g = memchr(g, 'W', (size_t)(ge - g))) != NULL) {
				if ((size_t)(ge - g) >= sizeof(key) - 1 &&
				    memcmp(g, key, sizeof(key) - 1) == 0) {
					const char *end;

					we = g + sizeof(key) - 1;
					end = we;
					while (
					    end < ge && *end != ';' && *end != '"' && *end != ',')
						end++;
					wen = (size_t)(end - we);
					break;
				}
				g++;
			}
		}
		if (tgt != NULL)
			bs_logagg_target(f->agg, tgt->p, tgt->n, failed, we, wen);
		if (failed) {
			char cls[48];

			if (err != NULL && err->n > 0)
				snprintf(cls, sizeof(cls), "%.*s", (int)(err->n < 40 ? err->n : 40),
				    err->p);
			else
				snprintf(cls, sizeof(cls), "BackEndStatus %u", backend);
			if (bs_logagg_want_example(f->agg, cls))
				logfmt_example(f, cls, rec, len);
		}
	}
}

int
bs_logfmt_record(struct bs_logfmt *f, const char *rec, size_t len)
{
	/* Exchange's log writer starts each file with a UTF-8 BOM, and so the
	 * header block it writes when it reopens a file: wherever one opens
	 * a record, it is not part of it. */
	if (len >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0) {
		rec += 3;
		len -= 3;
	}
	if (len == 0)
		return 0;
	if (rec[0] == '#') {
		if (len >= 8 && memcmp(rec, "#Fields:", 8) == 0) {
			logfmt_fields(f, rec + 8, len - 8);
			return 1;
		}
		return 0; /* #Software, #Version, #Date, #Log-type */
	}
	/* HttpProxy files may open with a bare CSV header row. */
	if (f->kind == BS_LOGFMT_HTTPPROXY && len >= 9 && memcmp(rec, "DateTime,", 9) == 0) {
		logfmt_fields(f, rec, len);
		return 1;
	}
	logfmt_data(f, rec, len);
	return 0;
}

int
bs_logfmt_finish(struct bs_logfmt *f)
{
	return bs_logagg_finish(f->agg);
}
