/* logs: samples the HttpProxy logs (one LogSample per protocol folder)
 * and the IIS W3C logs (one per site) into status evidence. Reads only
 * what is new since the cursors, oldest file first, within the sweep's
 * byte budget; the report says when the budget cut a window short. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cursor.h"
#include "err.h"
#include "fsutil.h"
#include "logfmt.h"
#include "logread.h"
#include "sweep.h"

struct logs_ctx {
	struct bs_sweep *s;
	const struct bs_log_options *o;
};

static int
is_log_file(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcasecmp(name + n - 4, ".log") == 0;
}

/* A Windows path as an evidence path: the drive letter stands for the
 * root, backslashes become slashes. */
static void
win_to_rel(const char *win, char *out, size_t outsz)
{
	size_t o = 0;

	if (win[0] != '\0' && win[1] == ':')
		win += 2;
	while (*win == '\\' || *win == '/')
		win++;
	for (; *win != '\0' && o + 1 < outsz; win++) {
		char ch = *win == '\\' ? '/' : *win;

		if (ch != '/' || o == 0 || out[o - 1] != '/')
			out[o++] = ch;
	}
	while (o > 0 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
}

/* win as an evidence path (rel) and the folder it names here (dir). On a
 * live server a drive letter is the drive itself (Exchange on D:). */
static int
logs_resolve(
    const struct logs_ctx *c, const char *win, char *rel, size_t relsz, char *dir, size_t dirsz)
{
	char drive[3] = {win[0], ':', '\0'};

	win_to_rel(win, rel, relsz);
	return bs_fs_resolve(
	    c->s->live && win[0] != '\0' && win[1] == ':' ? drive : c->s->root, rel, dir, dirsz);
}

/* Replays the header line at offset so a sweep resuming mid-file knows
 * the columns. */
static void
logs_header(struct bs_logfmt *fmt, const char *path, uint64_t offset, int quote_aware)
{
	struct bs_logread h;
	const char *rec;
	size_t len;

	if (bs_logread_open(&h, path, offset, 64 * 1024, quote_aware) != 0)
		return;
	if (bs_logread_next(&h, &rec, &len) == 1)
		bs_logfmt_record(fmt, rec, len);
	bs_logread_close(&h);
}

/* How one file is read this sweep: from where, with which window. */
struct logs_plan {
	uint64_t start, fields;
	int64_t window;
	int truncated; /* the file was truncated in place since its cursor */
	const struct bs_cursor *resumed; /* the cursor read on from, if any */
	int use; /* read this file (a log, or the copy of a truncated one) */
};

/* The plan for the file at path (st) under its own cursor cur (NULL:
 * none). A truncated file is read again from its start, every line new. */
static void
logs_plan_for(const struct logs_ctx *c, const struct bs_cursor *cur, const char *path,
    const struct bs_fs_info *st, struct logs_plan *p)
{
	uint32_t got = 0;
	uint64_t hash = 0;

	memset(p, 0, sizeof(*p));
	p->fields = BS_CURSOR_NONE;
	p->window = c->o->since_ms;
	if (cur == NULL) {
		if (c->o->since_ms > 0 && st->mtime_ms < c->o->since_ms)
			p->start = st->size; /* last written before the window */
		return;
	}
	if (cur->head_len > 0 && bs_logread_head(path, cur->head_len, &got, &hash) != 0)
		got = 0;
	switch (bs_cursor_judge(cur, st->dev, st->ino, st->size, got, hash)) {
	case BS_CURSOR_RESUME:
		p->start = cur->offset; /* new lines only; they are all in the window */
		p->fields = cur->fields_offset;
		p->window = 0;
		p->resumed = cur;
		break;
	case BS_CURSOR_TRUNCATED:
		p->window = 0;
		p->truncated = 1;
		break;
	case BS_CURSOR_OTHER: break;
	}
}

/* The cursor for path read up to offset: its identity and the hash of
 * its first bytes, kept from the cursor resumed when they cover as much. */
static int
logs_cursor(struct logs_ctx *c, const char *rel, const char *path, const struct bs_fs_info *st,
    const struct logs_plan *p, uint64_t offset, uint64_t fields)
{
	uint32_t want = offset < BS_CURSOR_HEAD ? (uint32_t)offset : BS_CURSOR_HEAD, got = 0;
	uint64_t hash = 0;

	if (c->o->next == NULL)
		return 0;
	if (p->resumed != NULL && p->resumed->head_len == want) {
		got = want;
		hash = p->resumed->head_hash;
	} else if (want > 0 && bs_logread_head(path, want, &got, &hash) != 0) {
		got = 0;
		hash = 0;
	}
	return bs_cursors_set(c->o->next, rel, st->dev, st->ino, offset, fields, got, hash);
}

static int
logs_file(struct logs_ctx *c, struct bs_logfmt *fmt, Bindscope__V1__LogSample *ls, const char *path,
    const char *rel, int quote_aware, const struct logs_plan *plan)
{
	struct bs_logread r;
	uint64_t start = plan->start, fields = plan->fields;
	struct bs_fs_info st;
	const char *rec;
	size_t len;
	int rv;

	if (!bs_sweep_inside(c->s, "logs", rel, path))
		return 0;
	if (bs_fs_stat(path, &st) != 0 || !st.is_file) {
		bs_sweep_error(c->s, "logs", rel, 0, "cannot read the log file");
		return 0;
	}
	if (plan->truncated)
		ls->files_truncated++;
	if (start >= st.size)
		return logs_cursor(c, rel, path, &st, plan, st.size < start ? 0 : start, fields);
	if (c->s->budget_left == 0) {
		ls->budget_cut = 1;
		return logs_cursor(c, rel, path, &st, plan, start, fields);
	}
	if ((rv = bs_logread_open(&r, path, start, c->s->budget_left, quote_aware)) != 0) {
		bs_sweep_error(c->s, "logs", rel, 0, "cannot open: %s", bs_strerror(rv));
		return rv == BS_ENOMEM ? rv : 0;
	}
	bs_logfmt_new_file(fmt);
	bs_logfmt_set_window(fmt, plan->window);
	if (fields != BS_CURSOR_NONE && fields < start)
		logs_header(fmt, path, fields, quote_aware);
	for (uint64_t k = 1;; k++) {
		uint64_t at = bs_logread_offset(&r);

		/* The clock is cheap, but not free: asked every 4096 records. */
		if ((k & 4095) == 0 && bs_sweep_past_deadline(c->s, rel)) {
			rv = 0;
			break;
		}
		if ((rv = bs_logread_next(&r, &rec, &len)) != 1)
			break;
		if (bs_logfmt_record(fmt, rec, len))
			fields = at;
	}
	if (rv < 0)
		bs_sweep_error(c->s, "logs", rel, 0, "read error at offset %llu",
		    (unsigned long long)bs_logread_offset(&r));
	for (uint64_t k = 0; k < r.long_records; k++)
		ls->lines_skipped++;
	if (r.long_records > 0)
		bs_sweep_error(c->s, "logs", rel, 0, "%llu record(s) longer than %u bytes skipped",
		    (unsigned long long)r.long_records, BS_LOGREAD_BUF);
	if (bs_logread_cut(&r))
		ls->budget_cut = 1;
	ls->bytes_read += r.bytes;
	ls->files_read++;
	c->s->budget_left -= r.bytes < c->s->budget_left ? r.bytes : c->s->budget_left;
	rv = logs_cursor(c, rel, path, &st, plan, bs_logread_offset(&r), fields);
	bs_logread_close(&r);
	return rv;
}

/* For a file truncated in place under cur: the copy rotation made of it
 * before the truncation, if it is in the folder. It is a file with no
 * cursor of its own that begins with the bytes cur hashed and reaches at
 * least cur's offset: what lies beyond the offset was written before the
 * truncation and never read. The index into names, or n. */
static size_t
logs_find_copy(struct logs_ctx *c, const char *dir, const char *rel, char **names, size_t n,
    size_t self, const struct bs_cursor *cur, const struct logs_plan *plans)
{
	for (size_t j = 0; cur->head_len > 0 && j < n; j++) {
		char path[BS_PATH_MAX], frel[BS_PATH_MAX];
		struct bs_fs_info st;
		uint32_t got = 0;
		uint64_t hash = 0;

		if (j == self || plans[j].resumed != NULL || plans[j].truncated ||
		    bs_path_join(path, sizeof(path), dir, names[j]) != 0 ||
		    bs_path_join(frel, sizeof(frel), rel, names[j]) != 0 ||
		    (c->o->prev != NULL && bs_cursors_find(c->o->prev, frel) != NULL) ||
		    bs_fs_stat(path, &st) != 0 || !st.is_file || st.size < cur->offset)
			continue;
		if (bs_logread_head(path, cur->head_len, &got, &hash) == 0 &&
		    got == cur->head_len && hash == cur->head_hash)
			return j;
	}
	return n;
}

/* One folder of log files into one LogSample. */
static int
logs_folder(struct logs_ctx *c, const char *dir, const char *rel, Bindscope__V1__LogKind kind,
    const char *name, uint32_t site_id)
{
	struct bs_logfmt_cfg cfg;
	struct bs_logfmt *fmt = NULL;
	Bindscope__V1__LogSample *ls = BS_NEW(c->s->arena, log_sample);
	struct logs_plan *plans = NULL;
	char **names = NULL;
	size_t n = 0;
	int rv;

	if (ls == NULL)
		return BS_ENOMEM;
	if (!bs_sweep_inside(c->s, "logs", rel, dir))
		return 0;
	if ((rv = bs_fs_list(dir, &names, &n)) != 0) {
		bs_sweep_error(
		    c->s, "logs", rel, 0, "cannot list the log folder: %s", bs_strerror(rv));
		return 0;
	}
	ls->kind = kind;
	ls->name = bs_arena_strdup(c->s->arena, name);
	ls->site_id = site_id;
	ls->folder = bs_arena_strdup(c->s->arena, rel);
	memset(&cfg, 0, sizeof(cfg));
	cfg.redact = c->o->redact;
	memcpy(cfg.key, c->o->key, sizeof(cfg.key));
	rv = bs_logfmt_create(
	    kind == BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY ? BS_LOGFMT_HTTPPROXY : BS_LOGFMT_W3C,
	    c->s->arena, ls, &cfg, &fmt);
	/* Every file's plan first, so that the copy of a file truncated in
	 * place is known (and read on from the cursor) before either is read. */
	if (rv == 0 && n > 0 && (plans = calloc(n, sizeof(*plans))) == NULL)
		rv = BS_ENOMEM;
	for (size_t i = 0; rv == 0 && i < n; i++) {
		char path[BS_PATH_MAX], frel[BS_PATH_MAX];
		const struct bs_cursor *cur;
		struct bs_fs_info st;

		if (!is_log_file(names[i]) ||
		    bs_path_join(path, sizeof(path), dir, names[i]) != 0 ||
		    bs_path_join(frel, sizeof(frel), rel, names[i]) != 0)
			continue;
		cur = c->o->prev != NULL ? bs_cursors_find(c->o->prev, frel) : NULL;
		if (bs_fs_stat(path, &st) == 0 && st.is_file)
			logs_plan_for(c, cur, path, &st, &plans[i]);
		plans[i].use = 1; /* unreadable: logs_file says why */
	}
	for (size_t i = 0; rv == 0 && i < n; i++) {
		const struct bs_cursor *cur;
		char frel[BS_PATH_MAX];
		size_t j;

		if (!plans[i].truncated || bs_path_join(frel, sizeof(frel), rel, names[i]) != 0 ||
		    (cur = bs_cursors_find(c->o->prev, frel)) == NULL)
			continue;
		j = logs_find_copy(c, dir, rel, names, n, i, cur, plans);
		if (j < n) {
			memset(&plans[j], 0, sizeof(plans[j]));
			plans[j].start = cur->offset;
			plans[j].fields = cur->fields_offset;
			plans[j].resumed = cur;
			plans[j].use = 1;
		}
	}
	for (size_t i = 0; rv == 0 && i < n && !bs_sweep_past_deadline(c->s, rel); i++) {
		char path[BS_PATH_MAX], frel[BS_PATH_MAX];

		if (!plans[i].use || bs_path_join(path, sizeof(path), dir, names[i]) != 0 ||
		    bs_path_join(frel, sizeof(frel), rel, names[i]) != 0)
			continue;
		rv = logs_file(c, fmt, ls, path, frel,
		    kind == BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, &plans[i]);
	}
	free(plans);
	if (rv == 0)
		rv = bs_logfmt_finish(fmt);
	if (rv == 0 &&
	    (ls->name == NULL || ls->folder == NULL ||
	        BS_PUSH(c->s, c->s->report->log_samples, c->s->report->n_log_samples, ls) != 0))
		rv = BS_ENOMEM;
	bs_logfmt_destroy(fmt);
	bs_fs_names_free(names, n);
	return rv;
}

static int
logs_httpproxy(struct logs_ctx *c)
{
	const Bindscope__V1__Host *h = c->s->report->host;
	char win[BS_PATH_MAX], rel[BS_PATH_MAX], dir[BS_PATH_MAX];
	char **protos = NULL;
	size_t n = 0;
	int rv = 0;

	if (h == NULL || h->install_path[0] == '\0')
		return 0; /* no Exchange install path: no HttpProxy logs to look for */
	if (bs_path_join(win, sizeof(win), h->install_path, "Logging/HttpProxy") != 0)
		return 0;
	if (logs_resolve(c, win, rel, sizeof(rel), dir, sizeof(dir)) != 0 ||
	    bs_fs_list(dir, &protos, &n) != 0) {
		bs_sweep_error(c->s, "logs", rel, 0,
		    "HttpProxy log folder not found: no proxy evidence from this server");
		return 0;
	}
	for (size_t i = 0; rv == 0 && i < n; i++) {
		char pdir[BS_PATH_MAX], prel[BS_PATH_MAX];

		if (bs_path_join(pdir, sizeof(pdir), dir, protos[i]) != 0 || !bs_fs_is_dir(pdir) ||
		    bs_path_join(prel, sizeof(prel), rel, protos[i]) != 0)
			continue;
		rv = logs_folder(
		    c, pdir, prel, BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, protos[i], 0);
	}
	bs_fs_names_free(protos, n);
	return rv;
}

static int
logs_w3c(struct logs_ctx *c)
{
	const bs_report *r = c->s->report;
	int rv = 0;

	for (size_t i = 0; rv == 0 && i < r->n_sites; i++) {
		const Bindscope__V1__Site *site = r->sites[i];
		char rel[BS_PATH_MAX], dir[BS_PATH_MAX], name[32];

		if (site->log_directory[0] == '\0')
			continue;
		if (logs_resolve(c, site->log_directory, rel, sizeof(rel), dir, sizeof(dir)) != 0 ||
		    !bs_fs_is_dir(dir))
			continue; /* IIS creates the folder on the first request */
		snprintf(name, sizeof(name), "W3SVC%u", site->id);
		rv = logs_folder(c, dir, rel, BINDSCOPE__V1__LOG_KIND__LOG_W3C, name, site->id);
	}
	return rv;
}

int
bs_src_logs(struct bs_sweep *s)
{
	struct logs_ctx c = {s, s->logs};
	int rv;

	if (s->logs == NULL)
		return 0;
	if ((rv = logs_httpproxy(&c)) != 0)
		return rv;
	return logs_w3c(&c);
}
