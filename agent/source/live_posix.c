/* live_posix: there is no live server to read here, only evidence roots. */
#include <stdio.h>

#include "err.h"
#include "live.h"

const struct bs_sweep_source *
bs_live_sources(size_t *n)
{
	*n = 0;
	return NULL;
}

int
bs_live_root(char *out, size_t outsz, char *why, size_t whysz)
{
	(void)out;
	(void)outsz;
	snprintf(why, whysz,
	    "live collection reads Windows itself and needs the Windows build; "
	    "here, pass --root with an evidence folder");
	return BS_EINVAL;
}
