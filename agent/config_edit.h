/* config_edit: `bindscope-agent config set`, one key of an agent.conf
 * rewritten where it stands and every other line (comments included)
 * kept as it was, so an installer (the MSI's COLLECTOR=) or a script can
 * set a value in a file an admin has edited; `config init`, a config from
 * the example unless there is one. Lines are read the way inih
 * reads them (common/config.c): sections and keys trimmed, ';' and '#'
 * comments, indented continuation lines. */
#ifndef BS_CONFIG_EDIT_H
#define BS_CONFIG_EDIT_H

#include <stddef.h>

/* Sets section's key to value in text (len bytes): the key's lines in that
 * section (with their continuation lines) become one "key = value" line;
 * a key the section lacks goes right below its header; a missing section
 * is appended. New lines end as the file's first line does (CRLF or LF).
 * *out is malloc'd and NUL-terminated; the caller frees it. 0, BS_EINVAL
 * when value holds a line break or text inih would read as a comment
 * (" ;"), BS_ENOMEM. */
int bs_config_edit(const char *text, size_t len, const char *section, const char *key,
    const char *value, char **out, size_t *outlen);

/* config set [--config FILE] SECTION.KEY VALUE: the key checked against
 * the agent's table and its value parsed as `run` would, then the file
 * rewritten atomically with its permissions.
 * config init --from TEMPLATE [--config FILE]: FILE written from TEMPLATE
 * unless it exists (the MSI's first install; an upgrade keeps the admin's).
 * argv[0] is "set" or "init"; --config "" or none: the platform's default
 * (paths.h). Returns the exit status: 0, 1 (files), 2 (usage, key, value). */
int bs_config_edit_command(int argc, char **argv);

#endif
