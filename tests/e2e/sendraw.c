/* sendraw: sends one file's bytes to a collector as an agent would (NNG
 * REQ, optionally mutual TLS) and prints the acknowledgement, so the
 * transport tests can offer altered, garbage and oversized messages.
 *   sendraw URL FILE [CA CERT KEY] */
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "fsutil.h"
#include "sender.h"

int
main(int argc, char **argv)
{
	struct bs_sender_tls tls;
	struct bs_sender *s = NULL;
	Bindscope__V1__AckStatus st;
	char reason[256] = "";
	char *data = NULL;
	size_t len;
	int rv;

	if (argc != 3 && argc != 6) {
		fprintf(stderr, "usage: sendraw URL FILE [CA CERT KEY]\n");
		return 2;
	}
	if (bs_fs_read(argv[2], 64u * 1024 * 1024, &data, &len) != 0) {
		fprintf(stderr, "sendraw: cannot read %s\n", argv[2]);
		return 2;
	}
	tls.ca_file = argc == 6 ? argv[3] : NULL;
	tls.cert_file = argc == 6 ? argv[4] : NULL;
	tls.key_file = argc == 6 ? argv[5] : NULL;
	tls.server_name = "localhost";
	if (bs_sender_create(argv[1], 3000, argc == 6 ? &tls : NULL, &s) != 0) {
		fprintf(stderr, "sendraw: cannot dial %s\n", argv[1]);
		free(data);
		return 2;
	}
	rv = bs_sender_send(s, (const uint8_t *)data, len, &st, reason, sizeof(reason));
	if (rv != 0)
		printf("NO_ANSWER %s\n", bs_strerror(rv));
	else
		printf("%s %s\n",
		    protobuf_c_enum_descriptor_get_value(&bindscope__v1__ack_status__descriptor, st)
		        ->name,
		    reason);
	bs_sender_destroy(s);
	free(data);
	return rv == 0 ? 0 : 1;
}
