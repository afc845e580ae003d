/* paths (Windows): everything under %ProgramData%\bindscope. The folder
 * comes from the shell's known-folder table (FOLDERID_ProgramData), which
 * a service running as LocalSystem sees too; the ProgramData environment
 * variable only when the shell cannot answer. */
#include "paths.h"

#include <windows.h>
#include <knownfolders.h>
#include <shlobj.h>
#include <stdio.h>

#include "err.h"

/* Below the ProgramData folder; "" is the agent's folder itself. */
static const char *const paths_win32[] = {
    [BS_AGENT_DATA_DIR] = "",
    [BS_AGENT_CONFIG] = "\\agent.conf",
    [BS_AGENT_STATE_DIR] = "\\state",
    [BS_AGENT_LOG_FILE] = "\\agent.log",
    [BS_AGENT_ENROLL_DIR] = "",
};

static int
paths_program_data(char *out, size_t outsz)
{
	wchar_t *known = NULL, env[MAX_PATH];
	const wchar_t *w = NULL;
	DWORD n;
	int rv = BS_ENOENT;

	if (SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &known) == S_OK)
		w = known;
	else if ((n = GetEnvironmentVariableW(L"ProgramData", env, MAX_PATH)) > 0 && n < MAX_PATH)
		w = env;
	if (w != NULL)
		rv = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)outsz, NULL, NULL) > 0
		    ? 0
		    : BS_ETOOBIG;
	CoTaskMemFree(known);
	return rv;
}

int
bs_agent_path(enum bs_agent_path which, char *out, size_t outsz)
{
	char base[MAX_PATH * 3];
	int n, rv;

	if ((size_t)which >= sizeof(paths_win32) / sizeof(paths_win32[0]))
		return BS_EINVAL;
	if ((rv = paths_program_data(base, sizeof(base))) != 0)
		return rv;
	n = snprintf(out, outsz, "%s\\bindscope%s", base, paths_win32[which]);
	return n >= 0 && (size_t)n < outsz ? 0 : BS_ETOOBIG;
}
