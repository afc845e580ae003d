/* fuzz_handshake: libFuzzer harness for the agent port's reading of a
 * connection's first bytes (collector/ingest/handshake.h), fed whole and
 * split at the first byte's value, for both kinds. */
#include <stddef.h>
#include <stdint.h>

#include "ingest/handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int k = 0; k < 2; k++) {
		struct bs_handshake whole, split;
		size_t cut = size > 0 ? data[0] % (size + 1) : 0;

		bs_handshake_init(&whole, k ? BS_HANDSHAKE_SP : BS_HANDSHAKE_TLS);
		bs_handshake_init(&split, k ? BS_HANDSHAKE_SP : BS_HANDSHAKE_TLS);
		bs_handshake_feed(&whole, data, size);
		bs_handshake_feed(&split, data, cut);
		bs_handshake_feed(&split, data + cut, size - cut);
		if (whole.state != split.state)
			__builtin_trap(); /* the split must not matter */
	}
	return 0;
}
