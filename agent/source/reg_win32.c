/* reg_win32: the live registry. Copies the keys the agent reads (those
 * ../shared/spec/evidence-root.md and tls-and-protection.md list, which an
 * evidence export holds as .reg files) from HKLM into the sweep's
 * bs_registry, through RegOpenKeyExW/RegEnumKeyExW/RegEnumValueW in the
 * 64-bit view, so every later source reads the same store either way.
 * Bounded: key count, depth and value size. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "live.h"
#include "sweep.h"

#define REG_MAX_KEYS 4096u
#define REG_MAX_VALUE (1024u * 1024u)
#define REG_NAME_MAX 16384 /* value names: 16,383 characters */

/* What to copy: a key under HKLM and how many levels of subkeys with it. */
static const struct {
	const char *key;
	unsigned depth;
} reg_live_keys[] = {
    {"SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo", 1},
    {"SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslSniBindingInfo", 1},
    {"SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslCcsBindingInfo", 1},
    {"SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup", 0},
    {"SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters", 0},
    {"SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA", 0},
    {"SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters", 0},
    {"SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL", 3},
    {"SYSTEM\\CurrentControlSet\\Control\\Lsa", 0},
    {"SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", 0},
    {"SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727", 0},
    {"SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319", 0},
    {"SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727", 0},
    {"SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002", 0},
    {"SOFTWARE\\Microsoft\\ExchangeServer\\v15\\MailboxRole", 0},
    {"SOFTWARE\\Microsoft\\ExchangeServer\\v15\\ClientAccessRole", 0},
    {"SOFTWARE\\Microsoft\\ExchangeServer\\v15\\EdgeTransportRole", 0},
    {"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", 0},
};

struct reg_live {
	struct bs_sweep *s;
	unsigned keys;
	wchar_t name[REG_NAME_MAX];
	uint8_t *data;
};

static void
reg_live_error(struct reg_live *l, const char *key, LSTATUS st, const char *what)
{
	char msg[256];
	DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
	    (DWORD)st, 0, msg, sizeof(msg), NULL);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	bs_sweep_error(
	    l->s, "registry", key, 0, "%s: %s (error %ld)", what, n > 0 ? msg : "failed", (long)st);
}

static int
reg_live_copy(struct reg_live *l, HKEY parent, const wchar_t *sub, const char *path, unsigned depth)
{
	HKEY h;
	LSTATUS st;
	DWORD i;
	int rv = 0;

	st = RegOpenKeyExW(parent, sub, 0, KEY_READ | KEY_WOW64_64KEY, &h);
	if (st == ERROR_FILE_NOT_FOUND) /* the sources say what its absence means */
		return bs_registry_put_absent(l->s->reg, path);
	if (st != ERROR_SUCCESS) {
		reg_live_error(l, path, st, "cannot open");
		return 0;
	}
	if (++l->keys > REG_MAX_KEYS) {
		bs_sweep_error(l->s, "registry", path, 0, "more than %u keys: the rest is not read",
		    REG_MAX_KEYS);
		goto out;
	}
	if ((rv = bs_registry_put(l->s->reg, path, NULL, NULL)) != 0)
		goto out;
	for (i = 0;; i++) {
		DWORD nl = REG_NAME_MAX, type = 0, dl = REG_MAX_VALUE;
		struct bs_reg_value v;
		char name[REG_NAME_MAX * 3];

		st = RegEnumValueW(h, i, l->name, &nl, NULL, &type, l->data, &dl);
		if (st == ERROR_NO_MORE_ITEMS)
			break;
		if (st == ERROR_MORE_DATA) {
			bs_sweep_error(l->s, "registry", path, 0,
			    "a value over %u bytes is not read", REG_MAX_VALUE);
			continue;
		}
		if (st != ERROR_SUCCESS) {
			reg_live_error(l, path, st, "cannot read a value");
			break;
		}
		if (WideCharToMultiByte(
		        CP_UTF8, 0, l->name, (int)nl + 1, name, sizeof(name), NULL, NULL) <= 0)
			continue;
		v.type = (enum bs_reg_type)type;
		v.data = l->data;
		v.len = dl;
		/* The live registry keeps every string type as UTF-16LE, as a
		 * version 5 export writes hex(2) and hex(7). */
		v.utf16 = type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ;
		if (v.utf16 && v.len >= 2 && v.data[v.len - 1] == 0 && v.data[v.len - 2] == 0)
			v.len -= 2;
		if ((rv = bs_registry_put(l->s->reg, path, name, &v)) != 0)
			goto out;
	}
	for (i = 0; depth > 0; i++) {
		DWORD nl = 256;
		wchar_t child[256];
		char cname[256 * 3], cpath[2048];
		int n;

		st = RegEnumKeyExW(h, i, child, &nl, NULL, NULL, NULL, NULL);
		if (st == ERROR_NO_MORE_ITEMS)
			break;
		if (st != ERROR_SUCCESS) {
			reg_live_error(l, path, st, "cannot list subkeys");
			break;
		}
		if (WideCharToMultiByte(CP_UTF8, 0, child, -1, cname, sizeof(cname), NULL, NULL) <=
		    0)
			continue;
		n = snprintf(cpath, sizeof(cpath), "%s\\%s", path, cname);
		if (n < 0 || (size_t)n >= sizeof(cpath))
			continue;
		if ((rv = reg_live_copy(l, h, child, cpath, depth - 1)) != 0)
			goto out;
	}
out:
	RegCloseKey(h);
	return rv;
}

int
bs_src_registry_live(struct bs_sweep *s)
{
	struct reg_live *l = calloc(1, sizeof(*l));
	int rv = 0;

	if (l == NULL || (l->data = malloc(REG_MAX_VALUE)) == NULL) {
		free(l);
		return BS_ENOMEM;
	}
	l->s = s;
	for (size_t i = 0; i < sizeof(reg_live_keys) / sizeof(reg_live_keys[0]) && rv == 0; i++) {
		wchar_t w[512];
		char path[512];

		snprintf(path, sizeof(path), "HKLM\\%s", reg_live_keys[i].key);
		if (MultiByteToWideChar(CP_UTF8, 0, reg_live_keys[i].key, -1, w, 512) <= 0)
			continue;
		rv = reg_live_copy(l, HKEY_LOCAL_MACHINE, w, path, reg_live_keys[i].depth);
	}
	free(l->data);
	free(l);
	return rv;
}
