/* err: the project's one error type. Every fallible function returns an
 * int that is 0 (BS_OK) on success or one of these codes; results travel
 * through out-parameters. Details for people go to the log or, in the
 * agent, into the report's collection errors. */
#ifndef BS_ERR_H
#define BS_ERR_H

enum bs_err {
	BS_OK = 0,
	BS_ENOMEM, /* allocation failed or a byte budget was exhausted */
	BS_EINVAL, /* bad argument or configuration */
	BS_EIO, /* read/write failure */
	BS_ENOENT, /* file, key or record not found */
	BS_EPARSE, /* outside input is malformed */
	BS_ETOOBIG, /* outside input exceeds a size bound */
	BS_ECRYPTO, /* certificate, key or signature problem */
	BS_ENET, /* transport failure */
	BS_ETIMEDOUT, /* deadline passed */
	BS_EDB, /* SQLite failure */
	BS_EREFUSED, /* the peer refused what we sent */
	BS_ENOTFILE, /* not a regular file: a FIFO, device, socket or folder */
	BS_EOUTSIDE, /* the path leads out of the folder it must stay in (a link) */
};

/* Static string for an error code; never NULL. */
const char *bs_strerror(int err);

#endif
