/* live_win32: the live sweep's source table and its root. The file
 * sources (applicationHost.config, the logs) are the evidence-root readers
 * themselves, over the system drive; only what Windows keeps outside files
 * is read through its API. */
#include <windows.h>
#include <stdio.h>

#include "err.h"
#include "live.h"
#include "sslbind.h"

static const struct bs_sweep_source live_sources[] = {
    {"registry", bs_src_registry_live, 1},
    {"host", bs_src_host, 1},
    {"tls_settings", bs_src_tls_settings, 0},
    {"iis_config", bs_src_iis_config, 0},
    {"sslbind", bs_src_sslbind_live, 0},
    {"certstore", bs_src_certstore_live, 0},
    {"join", bs_join, 0},
    {"probes", bs_src_probes, 0},
    {"logs", bs_src_logs, 0},
};

const struct bs_sweep_source *
bs_live_sources(size_t *n)
{
	*n = sizeof(live_sources) / sizeof(live_sources[0]);
	return live_sources;
}

int
bs_live_root(char *out, size_t outsz, char *why, size_t whysz)
{
	wchar_t w[MAX_PATH];
	UINT n = GetWindowsDirectoryW(w, MAX_PATH);

	/* "C:\Windows" -> "C:": IIS and Exchange paths are read with their
	 * drive letter, which stands for this root. */
	if (n < 2 || n >= MAX_PATH || w[1] != L':' || outsz < 3) {
		snprintf(why, whysz, "cannot tell the Windows drive (GetWindowsDirectory)");
		return BS_EIO;
	}
	out[0] = (char)w[0];
	out[1] = ':';
	out[2] = '\0';
	return 0;
}
