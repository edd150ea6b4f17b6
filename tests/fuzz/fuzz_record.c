/*
 * fuzz_record - libFuzzer harness for the queue file record reader.
 *
 * The last input byte is a control byte: its low six bits are the record
 * length limit (0: none; else small, so that the limit check is reached)
 * and an offset for rec_put_type(), bit 6 says whether the maildrop file's
 * owner is trusted. The rest is a record stream on a VSTREAM (a memfd,
 * so that the readers can seek, as they do on queue files). It is read three ways:
 *
 *   - rec_get() until EOF or error; every record read is written again
 *     with rec_put() to a scratch stream, which must read back as the same
 *     records, then end; a rec_put_type() at an offset taken from the input
 *     must either fail or leave the new type byte there;
 *   - queue_env_read(), as qmgr and local read a queue file;
 *   - pickup_maildrop_check(), as pickup checks a maildrop file (these
 *     are written by local users, so this is the untrusted case).
 *
 * A broken property is a msg_panic, which libFuzzer reports as a crash.
 */
#include "sys_defs.h"

#include <string.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "queue_envelope.h"
#include "pickup.h"
#include "fuzz_util.h"

/* fuzz_record_copy - read records from src, write them to dst; the count */
static int
fuzz_record_copy(VSTREAM *src, VSTREAM *dst, ssize_t maxlen, VSTRING *buf)
{
    int count = 0;
    int type;

    while ((type = rec_get(src, buf, maxlen)) >= 0) {
        if (rec_put(dst, type, STR(buf), LEN(buf)) != type)
            msg_panic("rec_put to scratch stream failed");
        count++;
    }
    return (count);
}

/* fuzz_record_compare - src (from the start) and dst must hold the same records */
static void
fuzz_record_compare(VSTREAM *src, VSTREAM *dst, int count, ssize_t maxlen, VSTRING *a, VSTRING *b)
{
    int ta, tb;
    int n;

    if (vstream_fflush(dst) != 0 || vstream_fseek(dst, 0, SEEK_SET) != 0)
        msg_panic("rewind scratch stream: %m");
    for (n = 0; n < count; n++) {
        ta = rec_get(src, a, maxlen);
        tb = rec_get(dst, b, 0);
        if (ta != tb || LEN(a) != LEN(b) || memcmp(STR(a), STR(b), LEN(a)) != 0)
            msg_panic("record %d: read type %d len %ld, copy type %d len %ld", n, ta, (long)LEN(a),
                      tb, (long)LEN(b));
    }
    if ((tb = rec_get(dst, b, 0)) != REC_TYPE_EOF)
        msg_panic("copy of %d records has more: type %d", count, tb);
}

/* fuzz_record_rewrite - mark the record at a given offset done */
static void
fuzz_record_rewrite(VSTREAM *dst, off_t offset)
{
    int ch;

    /* Only the header is checked there: callers know their offsets. */
    if (rec_put_type(dst, REC_TYPE_DONE, offset) != REC_TYPE_DONE)
        return;
    if (vstream_fseek(dst, offset, SEEK_SET) != offset)
        msg_panic("seek scratch stream: %m");
    if ((ch = vstream_getc(dst)) != REC_TYPE_DONE)
        msg_panic("rec_put_type at %ld left type %d, not DONE", (long)offset, ch);
}

/* fuzz_record_rewind - seek the input stream back to its start */
static void
fuzz_record_rewind(VSTREAM *src)
{
    vstream_clearerr(src);
    if (vstream_fseek(src, 0, SEEK_SET) != 0)
        msg_panic("rewind fuzz input: %m");
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VSTRING *a, *b, *why;
    VSTREAM *src, *dst;
    PICKUP_INFO info;
    QUEUE_ENV *env;
    ssize_t maxlen;
    int control;
    int count;

    if (size < 1 || size > FUZZ_MAX_INPUT)
        return (0);
    fuzz_quiet();
    if (a == NULL) {
        fuzz_config("");
        a = vstring_alloc(100);
        b = vstring_alloc(100);
        why = vstring_alloc(100);
    }
    control = data[size - 1];
    maxlen = control & 0x3f;
    src = fuzz_stream_open(data, size - 1);
    dst = fuzz_scratch_open();

    count = fuzz_record_copy(src, dst, maxlen, a);
    fuzz_record_rewind(src);
    fuzz_record_compare(src, dst, count, maxlen, a, b);
    fuzz_record_rewrite(dst, (off_t)(control & 0x3f));

    fuzz_record_rewind(src);
    env = queue_env_alloc();
    (void)queue_env_read(src, env, why);
    queue_env_free(env);

    fuzz_record_rewind(src);
    memset(&info, 0, sizeof(info));
    info.arrival = vstring_alloc(100);
    info.sender = vstring_alloc(100);
    info.trusted = (control & 0x40) != 0;
    (void)pickup_maildrop_check(src, &info, why);
    vstring_free(info.arrival);
    vstring_free(info.sender);

    fuzz_stream_close(src);
    fuzz_stream_close(dst);
    return (0);
}
