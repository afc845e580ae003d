/* fsutil (POSIX): case-insensitive resolution over a case-sensitive file
 * system, bounded reads, crash-safe writes. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

static int
path_append(char *out, size_t outsz, size_t *len, const char *comp, size_t n)
{
	size_t need = *len + 1 + n + 1;

	if (need > outsz)
		return BS_ETOOBIG;
	if (*len == 0 || out[*len - 1] != '/')
		out[(*len)++] = '/';
	memcpy(out + *len, comp, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

int
bs_fs_resolve(const char *root, const char *rel, char *out, size_t outsz)
{
	size_t len = strlen(root);
	const char *p = rel;

	if (len + 1 > outsz)
		return BS_ETOOBIG;
	memcpy(out, root, len + 1);
	for (;;) {
		const char *start;
		size_t n, base;
		struct stat st;
		int rv = bs_fs_component(&p, &start, &n);

		if (rv <= 0)
			return rv == 0 ? 0 : BS_EINVAL; /* never leave the root */
		base = len;
		if ((rv = path_append(out, outsz, &len, start, n)) != 0)
			return rv;
		if (lstat(out, &st) == 0)
			continue;
		/* No exact match: scan the parent for a case-insensitive one. */
		{
			DIR *d;
			struct dirent *de;
			int found = 0;

			out[base] = '\0';
			d = opendir(base == 0 ? "/" : out);
			if (d == NULL)
				return BS_ENOENT;
			while ((de = readdir(d)) != NULL) {
				if (strlen(de->d_name) == n &&
				    strncasecmp(de->d_name, start, n) == 0) {
					found = 1;
					break;
				}
			}
			len = base;
			rv = found ? path_append(out, outsz, &len, de->d_name, n) : BS_ENOENT;
			closedir(d);
			if (rv != 0)
				return rv;
		}
	}
}

/* Opens path for reading only if it is a regular file. O_NONBLOCK, so
 * that opening a FIFO without a writer (or a device) cannot hang; the
 * type is checked on the descriptor itself, not on the name, so nothing
 * can be swapped in between; then reads block again as usual. */
static int
fs_open_regular(const char *path, int *fdp, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), flags;

	*fdp = -1;
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? BS_ENOENT : BS_EIO;
	if (fstat(fd, st) != 0) {
		close(fd);
		return BS_EIO;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return BS_ENOTFILE;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		close(fd);
		return BS_EIO;
	}
	*fdp = fd;
	return 0;
}

int
bs_fs_read(const char *path, size_t max, char **data, size_t *len)
{
	int fd, rv = 0;
	struct stat st;
	char *buf = NULL;
	size_t got = 0, cap;

	*data = NULL;
	*len = 0;
	if ((rv = fs_open_regular(path, &fd, &st)) != 0)
		return rv;
	if ((unsigned long long)st.st_size > max) {
		rv = BS_ETOOBIG;
		goto out;
	}
	/* The file may grow between fstat and read: read to EOF, bounded. */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		rv = BS_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + got, cap - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rv = BS_EIO;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == cap) {
			char *nb;

			if (cap > max) {
				rv = BS_ETOOBIG;
				goto out;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				rv = BS_ENOMEM;
				goto out;
			}
			buf = nb;
		}
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rv;
}

static int
fsync_dir_of(const char *path)
{
	char dir[BS_PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd, rv = 0;

	if (slash == NULL) {
		dir[0] = '.';
		dir[1] = '\0';
	} else {
		n = (size_t)(slash - path);
		if (n == 0)
			n = 1;
		if (n >= sizeof(dir))
			return BS_ETOOBIG;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return BS_EIO;
	if (fsync(fd) != 0)
		rv = BS_EIO;
	close(fd);
	return rv;
}

/* like: the file whose mode, owner and group the new one takes (NULL:
 * mode as given, owner the caller). */
static int
fs_write_atomic_mode(
    const char *path, const void *data, size_t len, mode_t mode, const struct stat *like)
{
	char tmp[BS_PATH_MAX];
	const char *p = data;
	int fd, rv = 0, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return BS_ETOOBIG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return BS_EIO;
	/* Owner first (it may clear set-id bits), then the mode; a caller that
	 * may not give the file away keeps it, with the mode. */
	if (like != NULL &&
	    ((fchown(fd, like->st_uid, like->st_gid) != 0 && errno != EPERM) ||
	        fchmod(fd, like->st_mode & 07777) != 0)) {
		rv = BS_EIO;
		goto out;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			rv = BS_EIO;
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0) {
		rv = BS_EIO;
		goto out;
	}
out:
	if (close(fd) != 0 && rv == 0)
		rv = BS_EIO;
	if (rv == 0 && rename(tmp, path) != 0)
		rv = BS_EIO;
	if (rv != 0)
		unlink(tmp);
	else
		rv = fsync_dir_of(path);
	return rv;
}

int
bs_fs_list(const char *dir, char ***names, size_t *n)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	int rv = 0;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? BS_ENOENT : BS_EIO;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (cnt == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			char **nv = realloc(v, ncap * sizeof(*v));

			if (nv == NULL) {
				rv = BS_ENOMEM;
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		if ((v[cnt] = strdup(de->d_name)) == NULL) {
			rv = BS_ENOMEM;
			goto out;
		}
		cnt++;
	}
	if (cnt > 0)
		bs_fs_names_sort(v, cnt);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
out:
	bs_fs_names_free(v, cnt);
	closedir(d);
	return rv;
}

int
bs_fs_inside(const char *root, const char *path, char *real, size_t realsz)
{
	char rr[PATH_MAX], rp[PATH_MAX];
	size_t n;

	if (realpath(root, rr) == NULL || realpath(path, rp) == NULL)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? BS_ENOENT : BS_EIO;
	if (real != NULL && (size_t)snprintf(real, realsz, "%s", rp) >= realsz)
		return BS_ETOOBIG;
	n = strlen(rr);
	if (n == 1 && rr[0] == '/')
		return 0;
	return strncmp(rp, rr, n) == 0 && (rp[n] == '\0' || rp[n] == '/') ? 0 : BS_EOUTSIDE;
}

int
bs_fs_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int
bs_fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
bs_fs_mkdirs(const char *dir)
{
	char p[BS_PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return BS_EINVAL;
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] == '/' || p[i] == '\0') {
			char c = p[i];

			p[i] = '\0';
			if (mkdir(p, 0750) != 0 && errno != EEXIST)
				return BS_EIO;
			p[i] = c;
		}
	}
	return 0;
}

int
bs_fs_write_atomic(const char *path, const void *data, size_t len)
{
	return fs_write_atomic_mode(path, data, len, 0640, NULL);
}

int
bs_fs_write_keep(const char *path, const void *data, size_t len)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? BS_ENOENT : BS_EIO;
	return fs_write_atomic_mode(path, data, len, 0600, &st);
}

int
bs_fs_write_private(const char *path, const void *data, size_t len)
{
	return fs_write_atomic_mode(path, data, len, 0600, NULL);
}

int
bs_fs_mkdir_private(const char *dir)
{
	int rv = bs_fs_mkdirs(dir);

	if (rv == 0 && chmod(dir, 0700) != 0)
		rv = BS_EIO;
	return rv;
}

static void
fs_info_from(const struct stat *st, struct bs_fs_info *out)
{
	out->size = (uint64_t)st->st_size;
	out->mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
	out->dev = (uint64_t)st->st_dev;
	out->ino = (uint64_t)st->st_ino;
	out->is_file = S_ISREG(st->st_mode);
	out->is_dir = S_ISDIR(st->st_mode);
}

int
bs_fs_stat(const char *path, struct bs_fs_info *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0)
		return errno == ENOENT || errno == ENOTDIR ? BS_ENOENT : BS_EIO;
	fs_info_from(&st, out);
	return 0;
}

int
bs_fs_remove(const char *path)
{
	return unlink(path) == 0 ? 0 : errno == ENOENT ? BS_ENOENT : BS_EIO;
}

int
bs_fs_rename(const char *from, const char *to)
{
	return rename(from, to) == 0 ? 0 : BS_EIO;
}

FILE *
bs_fs_fopen(const char *path, const char *mode)
{
	return fopen(path, mode);
}

struct bs_file {
	int fd;
};

int
bs_file_open(const char *path, uint64_t offset, struct bs_file **out)
{
	struct bs_file *f;
	struct stat st;
	int fd, rv;

	*out = NULL;
	if ((rv = fs_open_regular(path, &fd, &st)) != 0)
		return rv;
	if (offset > 0 && lseek(fd, (off_t)offset, SEEK_SET) < 0) {
		close(fd);
		return BS_EIO;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		close(fd);
		return BS_ENOMEM;
	}
	f->fd = fd;
	*out = f;
	return 0;
}

int
bs_file_read(struct bs_file *f, void *buf, size_t n, size_t *got)
{
	for (;;) {
		ssize_t r = read(f->fd, buf, n);

		if (r >= 0) {
			*got = (size_t)r;
			return 0;
		}
		if (errno != EINTR)
			return BS_EIO;
	}
}

int
bs_file_stat(struct bs_file *f, struct bs_fs_info *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (fstat(f->fd, &st) != 0)
		return BS_EIO;
	fs_info_from(&st, out);
	return 0;
}

void
bs_file_close(struct bs_file *f)
{
	if (f == NULL)
		return;
	close(f->fd);
	free(f);
}
