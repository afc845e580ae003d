/* evidence_path: zip entry names to safe relative paths. */
#include "evidence_path.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "utf8.h"

#define COMPONENT_MAX 255u

static int
is_sep(char c)
{
	return c == '/' || c == '\\';
}

int
bs_evidence_entry_path(
    const char *name, size_t len, char *out, size_t outsz, int *is_dir, char *why, size_t whysz)
{
	size_t i = 0, o = 0;

	*is_dir = 0;
	if (outsz == 0)
		return BS_ETOOBIG;
	out[0] = '\0';
	if (len == 0) {
		snprintf(why, whysz, "empty entry name");
		return BS_EPARSE;
	}
	if (len > BS_EVIDENCE_NAME_MAX) {
		snprintf(why, whysz, "entry name longer than %u bytes", BS_EVIDENCE_NAME_MAX);
		return BS_ETOOBIG;
	}
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)name[k];

		if (c < 0x20 || c == 0x7f) {
			snprintf(why, whysz, "control character 0x%02x in the name", c);
			return BS_EPARSE;
		}
		if (c == ':') {
			snprintf(why, whysz, "':' in the name (a drive letter or stream)");
			return BS_EPARSE;
		}
	}
	if (!bs_utf8_valid(name, len)) {
		snprintf(why, whysz, "name is not valid UTF-8");
		return BS_EPARSE;
	}
	if (is_sep(name[0])) {
		snprintf(why, whysz, "absolute path");
		return BS_EPARSE;
	}
	*is_dir = is_sep(name[len - 1]);
	while (i < len) {
		size_t start, n;

		while (i < len && is_sep(name[i]))
			i++;
		start = i;
		while (i < len && !is_sep(name[i]))
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && name[start] == '.'))
			continue;
		if (n == 2 && name[start] == '.' && name[start + 1] == '.') {
			snprintf(why, whysz, "'..' in the path (it would leave the folder)");
			return BS_EPARSE;
		}
		if (n > COMPONENT_MAX) {
			snprintf(
			    why, whysz, "a path component longer than %u bytes", COMPONENT_MAX);
			return BS_EPARSE;
		}
		if (o + (o > 0) + n + 1 > outsz) {
			snprintf(why, whysz, "path too long");
			return BS_ETOOBIG;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, name + start, n);
		o += n;
	}
	out[o] = '\0';
	if (o == 0 && !*is_dir) {
		snprintf(why, whysz, "the name is no file (only '.' or separators)");
		return BS_EPARSE;
	}
	return 0;
}
