/* fsutil: the platform-neutral part of the file-system edge. */
#include "fsutil.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

static int
fs_names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
bs_fs_names_free(char **names, size_t n)
{
	if (names == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void
bs_fs_names_sort(char **names, size_t n)
{
	if (n > 0)
		qsort(names, n, sizeof(*names), fs_names_cmp);
}

int
bs_fs_component(const char **p, const char **start, size_t *n)
{
	for (;;) {
		const char *s = *p;

		while (*s == '/' || *s == '\\')
			s++;
		*start = s;
		while (*s != '\0' && *s != '/' && *s != '\\')
			s++;
		*n = (size_t)(s - *start);
		*p = s;
		if (*n == 0)
			return 0;
		if (*n == 2 && (*start)[0] == '.' && (*start)[1] == '.')
			return -1;
		if (*n != 1 || (*start)[0] != '.')
			return 1;
	}
}

int
bs_path_join(char *out, size_t outsz, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb + 1 > outsz)
		return BS_ETOOBIG;
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return 0;
}
