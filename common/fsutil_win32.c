/* fsutil (Windows): the file-system edge through the wide-character Win32
 * API. UTF-8 paths from the rest of the program become UTF-16 here, once;
 * '/' and '\' both separate. Files are opened with FILE_SHARE_READ |
 * FILE_SHARE_WRITE | FILE_SHARE_DELETE so that IIS and Exchange keep
 * writing, rotating and deleting the logs the agent reads. Windows matches
 * names case-insensitively itself, so resolution needs no folder scans. */
#include "fsutil.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* SYSTEM and Administrators, full control, inherited; nothing else. */
#define FS_PRIVATE_SDDL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
#define FS_SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
/* FILETIME counts 100 ns from 1601; Unix milliseconds count from 1970. */
#define FS_EPOCH_DIFF_MS 11644473600000LL

/* path as UTF-16 with backslashes; long absolute paths get the \\?\
 * prefix so MAX_PATH does not cut them. */
static int
fs_wide(const char *path, wchar_t *out, size_t outn)
{
	size_t off = 0;
	int n;

	if (strlen(path) >= MAX_PATH - 12 && path[0] != '\0' && path[1] == ':') {
		if (outn < 5)
			return BS_ETOOBIG;
		memcpy(out, L"\\\\?\\", 4 * sizeof(wchar_t));
		off = 4;
	}
	n = MultiByteToWideChar(
	    CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, out + off, (int)(outn - off));
	if (n <= 0)
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? BS_ETOOBIG : BS_EINVAL;
	for (wchar_t *p = out + off; *p != L'\0'; p++)
		if (*p == L'/')
			*p = L'\\';
	return 0;
}

static int
fs_utf8(const wchar_t *w, char *out, size_t outsz)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)outsz, NULL, NULL);

	return n > 0 ? 0 : BS_ETOOBIG;
}

static int
fs_err(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_NAME: return BS_ENOENT;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY: return BS_ENOMEM;
	default: return BS_EIO;
	}
}

static HANDLE
fs_open_read(const char *path, int *rv)
{
	wchar_t w[BS_PATH_MAX];
	HANDLE h;

	if ((*rv = fs_wide(path, w, BS_PATH_MAX)) != 0)
		return INVALID_HANDLE_VALUE;
	/* Backup semantics let folders be opened too (for their identity). */
	h = CreateFileW(w, GENERIC_READ, FS_SHARE_ALL, NULL, OPEN_EXISTING,
	    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS, NULL);
	*rv = h == INVALID_HANDLE_VALUE ? fs_err(GetLastError()) : 0;
	return h;
}

/* fs_open_read, kept only for a file on disk: not a folder, console,
 * pipe or other device (GetFileType on the handle, so nothing is swapped
 * in between the check and the read). Reparse points (links, junctions)
 * are followed; bs_fs_inside judges where they lead. */
static HANDLE
fs_open_regular(const char *path, BY_HANDLE_FILE_INFORMATION *fi, int *rv)
{
	HANDLE h = fs_open_read(path, rv);

	if (h == INVALID_HANDLE_VALUE)
		return h;
	if (GetFileType(h) != FILE_TYPE_DISK || !GetFileInformationByHandle(h, fi) ||
	    (fi->dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) != 0) {
		CloseHandle(h);
		*rv = BS_ENOTFILE;
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

/* Where path really is: the final path of the opened file or folder,
 * every reparse point followed ("\\?\C:\..." form). */
static int
fs_final(const char *path, wchar_t *out, DWORD outn)
{
	int rv;
	HANDLE h = fs_open_read(path, &rv);
	DWORD n;

	if (h == INVALID_HANDLE_VALUE)
		return rv;
	n = GetFinalPathNameByHandleW(h, out, outn, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
	CloseHandle(h);
	if (n == 0)
		return BS_EIO;
	return n >= outn ? BS_ETOOBIG : 0;
}

int
bs_fs_inside(const char *root, const char *path, char *real, size_t realsz)
{
	wchar_t wr[BS_PATH_MAX], wp[BS_PATH_MAX];
	size_t n;
	int rv;

	if ((rv = fs_final(root, wr, BS_PATH_MAX)) != 0 ||
	    (rv = fs_final(path, wp, BS_PATH_MAX)) != 0)
		return rv;
	/* Shown without the \\?\ prefix (a drive path) people do not write. */
	if (real != NULL &&
	    (rv = fs_utf8(wcsncmp(wp, L"\\\\?\\", 4) == 0 && wp[5] == L':' ? wp + 4 : wp, real,
	         realsz)) != 0)
		return rv;
	n = wcslen(wr);
	while (n > 0 && wr[n - 1] == L'\\')
		n--; /* a drive's root ends in one */
	if (CompareStringOrdinal(wp, (int)(wcslen(wp) < n ? wcslen(wp) : n), wr, (int)n, TRUE) !=
	    CSTR_EQUAL)
		return BS_EOUTSIDE;
	return wp[n] == L'\0' || wp[n] == L'\\' ? 0 : BS_EOUTSIDE;
}

int
bs_fs_resolve(const char *root, const char *rel, char *out, size_t outsz)
{
	wchar_t w[BS_PATH_MAX];
	size_t len = strlen(root);
	const char *p = rel;
	int rv;

	if (len + 1 > outsz)
		return BS_ETOOBIG;
	memcpy(out, root, len + 1);
	for (;;) {
		const char *start;
		size_t n;
		int c = bs_fs_component(&p, &start, &n);

		if (c < 0)
			return BS_EINVAL; /* never leave the root */
		if (c == 0)
			break;
		if (len + 1 + n + 1 > outsz)
			return BS_ETOOBIG;
		if (len == 0 || (out[len - 1] != '/' && out[len - 1] != '\\'))
			out[len++] = '/';
		memcpy(out + len, start, n);
		len += n;
		out[len] = '\0';
	}
	if ((rv = fs_wide(out, w, BS_PATH_MAX)) != 0)
		return rv;
	return GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES ? BS_ENOENT : 0;
}

int
bs_fs_read(const char *path, size_t max, char **data, size_t *len)
{
	BY_HANDLE_FILE_INFORMATION fi;
	LARGE_INTEGER size;
	char *buf = NULL;
	size_t got = 0, cap;
	int rv;
	HANDLE h = fs_open_regular(path, &fi, &rv);

	*data = NULL;
	*len = 0;
	if (h == INVALID_HANDLE_VALUE)
		return rv;
	if (!GetFileSizeEx(h, &size)) {
		rv = BS_EIO;
		goto out;
	}
	if ((unsigned long long)size.QuadPart > max) {
		rv = BS_ETOOBIG;
		goto out;
	}
	/* The file may grow between the size and the read: read to EOF, bounded. */
	cap = (size_t)size.QuadPart + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		rv = BS_ENOMEM;
		goto out;
	}
	for (;;) {
		DWORD want = cap - got > 0x40000000u ? 0x40000000u : (DWORD)(cap - got), r = 0;

		if (!ReadFile(h, buf + got, want, &r, NULL)) {
			rv = BS_EIO;
			goto out;
		}
		if (r == 0)
			break;
		got += r;
		if (got == cap) {
			char *nb;

			if (cap > max) {
				rv = BS_ETOOBIG;
				goto out;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
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
	rv = 0;
out:
	free(buf);
	CloseHandle(h);
	return rv;
}

/* A security descriptor for SYSTEM and Administrators only; the caller
 * frees it with LocalFree. */
static PSECURITY_DESCRIPTOR
fs_private_sd(void)
{
	PSECURITY_DESCRIPTOR sd = NULL;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
	        FS_PRIVATE_SDDL, SDDL_REVISION_1, &sd, NULL))
		return NULL;
	return sd;
}

static int
fs_write_atomic_sd(const char *path, const void *data, size_t len, int private)
{
	wchar_t wtmp[BS_PATH_MAX], wpath[BS_PATH_MAX];
	char tmp[BS_PATH_MAX];
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, FALSE};
	const char *p = data;
	HANDLE h;
	int rv = 0, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return BS_ETOOBIG;
	if ((rv = fs_wide(tmp, wtmp, BS_PATH_MAX)) != 0 ||
	    (rv = fs_wide(path, wpath, BS_PATH_MAX)) != 0)
		return rv;
	if (private && (sa.lpSecurityDescriptor = fs_private_sd()) == NULL)
		return BS_EIO;
	h = CreateFileW(wtmp, GENERIC_WRITE, 0, private ? &sa : NULL, CREATE_ALWAYS,
	    FILE_ATTRIBUTE_NORMAL, NULL);
	LocalFree(sa.lpSecurityDescriptor);
	if (h == INVALID_HANDLE_VALUE)
		return fs_err(GetLastError());
	while (len > 0) {
		DWORD want = len > 0x40000000u ? 0x40000000u : (DWORD)len, w = 0;

		if (!WriteFile(h, p, want, &w, NULL)) {
			rv = BS_EIO;
			break;
		}
		p += w;
		len -= w;
	}
	if (rv == 0 && !FlushFileBuffers(h))
		rv = BS_EIO;
	if (!CloseHandle(h) && rv == 0)
		rv = BS_EIO;
	/* Write-through: the rename is on disk when MoveFileEx returns. */
	if (rv == 0 &&
	    !MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		rv = BS_EIO;
	if (rv != 0)
		DeleteFileW(wtmp);
	return rv;
}

int
bs_fs_write_atomic(const char *path, const void *data, size_t len)
{
	return fs_write_atomic_sd(path, data, len, 0);
}

int
bs_fs_write_private(const char *path, const void *data, size_t len)
{
	return fs_write_atomic_sd(path, data, len, 1);
}

int
bs_fs_write_keep(const char *path, const void *data, size_t len)
{
	/* The new file inherits its folder's ACL, as the old one did unless
	 * someone gave it its own. */
	if (!bs_fs_readable(path))
		return BS_ENOENT;
	return fs_write_atomic_sd(path, data, len, 0);
}

int
bs_fs_list(const char *dir, char ***names, size_t *n)
{
	wchar_t w[BS_PATH_MAX];
	WIN32_FIND_DATAW fd;
	char name[BS_PATH_MAX];
	char **v = NULL;
	size_t cnt = 0, cap = 0, wl;
	HANDLE h;
	int rv;

	*names = NULL;
	*n = 0;
	if ((rv = fs_wide(dir, w, BS_PATH_MAX - 2)) != 0)
		return rv;
	wl = wcslen(w);
	if (wl > 0 && w[wl - 1] != L'\\')
		w[wl++] = L'\\';
	w[wl++] = L'*';
	w[wl] = L'\0';
	h = FindFirstFileExW(w, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : fs_err(GetLastError());
	do {
		if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0 ||
		    fs_utf8(fd.cFileName, name, sizeof(name)) != 0)
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
		if ((v[cnt] = strdup(name)) == NULL) {
			rv = BS_ENOMEM;
			goto out;
		}
		cnt++;
	} while (FindNextFileW(h, &fd));
	bs_fs_names_sort(v, cnt);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
out:
	bs_fs_names_free(v, cnt);
	FindClose(h);
	return rv;
}

int
bs_fs_readable(const char *path)
{
	int rv;
	HANDLE h = fs_open_read(path, &rv);

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	CloseHandle(h);
	return 1;
}

int
bs_fs_is_dir(const char *path)
{
	wchar_t w[BS_PATH_MAX];
	DWORD a;

	if (fs_wide(path, w, BS_PATH_MAX) != 0)
		return 0;
	a = GetFileAttributesW(w);
	return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
}

int
bs_fs_mkdirs(const char *dir)
{
	wchar_t w[BS_PATH_MAX];
	size_t n, i = 0;
	int rv;

	if (dir[0] == '\0')
		return BS_EINVAL;
	if ((rv = fs_wide(dir, w, BS_PATH_MAX)) != 0)
		return rv;
	n = wcslen(w);
	/* Skip what cannot be created: \\?\, a drive "C:\", a share \\srv\sh\. */
	if (wcsncmp(w, L"\\\\?\\", 4) == 0)
		i = 4;
	if (n >= i + 2 && w[i + 1] == L':')
		i += 3;
	else if (n >= 2 && w[0] == L'\\' && w[1] == L'\\')
		for (int seps = 0; i < n && seps < 4; i++)
			seps += w[i] == L'\\';
	for (; i <= n; i++) {
		if (w[i] == L'\\' || w[i] == L'\0') {
			wchar_t c = w[i];

			w[i] = L'\0';
			if (i > 0 && !CreateDirectoryW(w, NULL) &&
			    GetLastError() != ERROR_ALREADY_EXISTS)
				return fs_err(GetLastError());
			w[i] = c;
		}
	}
	return 0;
}

int
bs_fs_mkdir_private(const char *dir)
{
	wchar_t w[BS_PATH_MAX];
	PSECURITY_DESCRIPTOR sd;
	PACL dacl = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	int rv;

	if ((rv = bs_fs_mkdirs(dir)) != 0 || (rv = fs_wide(dir, w, BS_PATH_MAX)) != 0)
		return rv;
	if ((sd = fs_private_sd()) == NULL)
		return BS_EIO;
	/* Protected: nothing inherited from %ProgramData% stays. */
	if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) ||
	    SetNamedSecurityInfoW(w, SE_FILE_OBJECT,
	        DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL, dacl,
	        NULL) != ERROR_SUCCESS)
		rv = BS_EIO;
	LocalFree(sd);
	return rv;
}

static void
fs_info_from(const BY_HANDLE_FILE_INFORMATION *fi, struct bs_fs_info *out)
{
	ULARGE_INTEGER t;

	t.LowPart = fi->ftLastWriteTime.dwLowDateTime;
	t.HighPart = fi->ftLastWriteTime.dwHighDateTime;
	out->size = ((uint64_t)fi->nFileSizeHigh << 32) | fi->nFileSizeLow;
	out->mtime_ms = (int64_t)(t.QuadPart / 10000u) - FS_EPOCH_DIFF_MS;
	out->dev = fi->dwVolumeSerialNumber;
	out->ino = ((uint64_t)fi->nFileIndexHigh << 32) | fi->nFileIndexLow;
	out->is_dir = (fi->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
	out->is_file = !out->is_dir && (fi->dwFileAttributes & FILE_ATTRIBUTE_DEVICE) == 0;
}

int
bs_fs_stat(const char *path, struct bs_fs_info *out)
{
	BY_HANDLE_FILE_INFORMATION fi;
	int rv;
	HANDLE h = fs_open_read(path, &rv);

	memset(out, 0, sizeof(*out));
	if (h == INVALID_HANDLE_VALUE)
		return rv;
	if (GetFileInformationByHandle(h, &fi))
		fs_info_from(&fi, out);
	else
		rv = BS_EIO;
	CloseHandle(h);
	return rv;
}

int
bs_fs_remove(const char *path)
{
	wchar_t w[BS_PATH_MAX];
	int rv;

	if ((rv = fs_wide(path, w, BS_PATH_MAX)) != 0)
		return rv;
	return DeleteFileW(w) ? 0 : fs_err(GetLastError());
}

int
bs_fs_rename(const char *from, const char *to)
{
	wchar_t wf[BS_PATH_MAX], wt[BS_PATH_MAX];
	int rv;

	if ((rv = fs_wide(from, wf, BS_PATH_MAX)) != 0 || (rv = fs_wide(to, wt, BS_PATH_MAX)) != 0)
		return rv;
	return MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) ? 0 : BS_EIO;
}

FILE *
bs_fs_fopen(const char *path, const char *mode)
{
	wchar_t w[BS_PATH_MAX], wm[16];

	if (fs_wide(path, w, BS_PATH_MAX) != 0 ||
	    MultiByteToWideChar(CP_UTF8, 0, mode, -1, wm, 16) <= 0)
		return NULL;
	return _wfopen(w, wm);
}

struct bs_file {
	HANDLE h;
};

int
bs_file_open(const char *path, uint64_t offset, struct bs_file **out)
{
	BY_HANDLE_FILE_INFORMATION fi;
	LARGE_INTEGER off;
	struct bs_file *f;
	int rv;
	HANDLE h = fs_open_regular(path, &fi, &rv);

	*out = NULL;
	if (h == INVALID_HANDLE_VALUE)
		return rv;
	off.QuadPart = (LONGLONG)offset;
	if (offset > 0 && !SetFilePointerEx(h, off, NULL, FILE_BEGIN)) {
		CloseHandle(h);
		return BS_EIO;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		CloseHandle(h);
		return BS_ENOMEM;
	}
	f->h = h;
	*out = f;
	return 0;
}

int
bs_file_read(struct bs_file *f, void *buf, size_t n, size_t *got)
{
	DWORD r = 0;

	*got = 0;
	if (!ReadFile(f->h, buf, n > 0x40000000u ? 0x40000000u : (DWORD)n, &r, NULL))
		return BS_EIO;
	*got = r;
	return 0;
}

int
bs_file_stat(struct bs_file *f, struct bs_fs_info *out)
{
	BY_HANDLE_FILE_INFORMATION fi;

	memset(out, 0, sizeof(*out));
	if (!GetFileInformationByHandle(f->h, &fi))
		return BS_EIO;
	fs_info_from(&fi, out);
	return 0;
}

void
bs_file_close(struct bs_file *f)
{
	if (f == NULL)
		return;
	CloseHandle(f->h);
	free(f);
}
