/*
 * fuzz_util - small helpers shared by the libFuzzer harnesses.
 *
 * fuzz_quiet() silences the log but for panics, which go to stderr (a
 * harness reports a broken property with msg_panic); call it from every
 * LLVMFuzzerTestOneInput, it only acts once. fuzz_text() returns a
 * NUL-terminated copy of the input that the caller frees with myfree().
 * fuzz_stream_open() returns a VSTREAM that reads the input from the
 * start: the bytes go into one memfd that the process keeps (no files left
 * behind, nothing to unlink), and fuzz_stream_close() frees the stream
 * but keeps the descriptor for the next run. fuzz_scratch_open() is the
 * same over a second memfd, empty, for a harness that writes what it read
 * and reads it back. At most one stream of each kind is open at a time.
 *
 * fuzz_config(text) writes text as main.cf in a new temporary directory,
 * loads it (mail_conf_read, mail_params_init) and removes the directory;
 * a harness calls it once, before the first input, for the var_* values
 * that the code under test reads.
 *
 * FUZZ_MAX_INPUT is the size above which harnesses return at once, to keep
 * every execution fast (libFuzzer's -max_len says the same in the Makefile).
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include "sys_defs.h"

#include <stddef.h>
#include <stdint.h>

#include "vstream.h"

#define FUZZ_MAX_INPUT 65536

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern void fuzz_quiet(void);
extern char *fuzz_text(const uint8_t *data, size_t size);
extern VSTREAM *fuzz_stream_open(const uint8_t *data, size_t size);
extern VSTREAM *fuzz_scratch_open(void);
extern void fuzz_stream_close(VSTREAM *stream);
extern void fuzz_config(const char *main_cf);

#endif
