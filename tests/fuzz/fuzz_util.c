/*
 * fuzz_util - helpers shared by the libFuzzer harnesses (see fuzz_util.h).
 *
 * The input and scratch streams are memfds created on first use; each run
 * truncates them, writes the input bytes and rewinds. Failures of these system calls are
 * harness bugs, reported with msg_panic so that libFuzzer stops.
 */
#include "sys_defs.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_conf.h"
#include "fuzz_util.h"

static int fuzz_input_fd = -1;
static int fuzz_scratch_fd = -1;

/* fuzz_discard - log channel that drops all but panics (the harness's own) */
static void
fuzz_discard(int level, const char *text)
{
    if (level == MSG_PANIC)
        fprintf(stderr, "panic: %s\n", text);
}

/* fuzz_quiet - send the log nowhere (once) */
void
fuzz_quiet(void)
{
    static int done;

    if (!done) {
        msg_output(fuzz_discard);
        done = 1;
    }
}

/* fuzz_text - NUL-terminated copy of the input */
char *
fuzz_text(const uint8_t *data, size_t size)
{
    char *text = mymalloc(size + 1);

    if (size > 0)
        memcpy(text, data, size);
    text[size] = 0;
    return (text);
}

/* fuzz_memfd_open - refill one memfd with data and wrap it in a stream */
static VSTREAM *
fuzz_memfd_open(int *fdp, const char *name, const uint8_t *data, size_t size)
{
    VSTREAM *stream;
    size_t done = 0;
    ssize_t count;

    if (*fdp < 0 && (*fdp = memfd_create(name, 0)) < 0)
        msg_panic("memfd_create: %m");
    if (ftruncate(*fdp, 0) < 0 || lseek(*fdp, 0, SEEK_SET) < 0)
        msg_panic("reset %s: %m", name);
    while (done < size) {
        if ((count = write(*fdp, data + done, size - done)) <= 0)
            msg_panic("write %s: %m", name);
        done += (size_t)count;
    }
    if (lseek(*fdp, 0, SEEK_SET) < 0)
        msg_panic("rewind %s: %m", name);
    stream = vstream_fdopen(*fdp, O_RDWR);
    vstream_set_name(stream, name);
    return (stream);
}

/* fuzz_stream_open - a stream that reads the input from the start */
VSTREAM *
fuzz_stream_open(const uint8_t *data, size_t size)
{
    return (fuzz_memfd_open(&fuzz_input_fd, "fuzz-input", data, size));
}

/* fuzz_scratch_open - an empty stream to write and read back */
VSTREAM *
fuzz_scratch_open(void)
{
    return (fuzz_memfd_open(&fuzz_scratch_fd, "fuzz-scratch", (const uint8_t *)"", 0));
}

/* fuzz_stream_close - free the stream, keep the memfd */
void
fuzz_stream_close(VSTREAM *stream)
{
    (void)vstream_fdclose(stream);
}

/* fuzz_config - load main.cf text into the var_* parameters */
void
fuzz_config(const char *main_cf)
{
    char dir[] = "/tmp/postern-fuzz-XXXXXX";
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;

    if (mkdtemp(dir) == NULL)
        msg_panic("mkdtemp: %m");
    vstring_sprintf(path, "%s/main.cf", dir);
    if ((fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0600)) == NULL)
        msg_panic("create %s: %m", STR(path));
    vstream_fputs(main_cf, fp);
    if (vstream_fclose(fp) != 0)
        msg_panic("write %s: %m", STR(path));
    mail_conf_set_dir(dir);
    mail_conf_read();
    mail_params_init();
    (void)unlink(STR(path));
    (void)rmdir(dir);
    vstring_free(path);
}
