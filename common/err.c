/* err: names for the project's error codes. */
#include "err.h"

const char *
bs_strerror(int err)
{
	switch (err) {
	case BS_OK: return "success";
	case BS_ENOMEM: return "out of memory or over budget";
	case BS_EINVAL: return "invalid argument";
	case BS_EIO: return "input/output error";
	case BS_ENOENT: return "not found";
	case BS_EPARSE: return "malformed input";
	case BS_ETOOBIG: return "input too large";
	case BS_ECRYPTO: return "certificate or signature error";
	case BS_ENET: return "network error";
	case BS_ETIMEDOUT: return "timed out";
	case BS_EDB: return "database error";
	case BS_EREFUSED: return "refused by peer";
	case BS_ENOTFILE: return "not a regular file (a FIFO, device, socket or folder)";
	case BS_EOUTSIDE: return "leads outside the evidence root (a link)";
	}
	return "unknown error";
}
