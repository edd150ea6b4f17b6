/*
 * fuzz_attr - libFuzzer harness for the attribute-list reader.
 *
 * The last input byte is a control byte: bits 0-1 are the attr_scan()
 * flags (ATTR_FLAG_STRICT, ATTR_FLAG_MORE), bit 2 chooses attr_scan_table()
 * instead. The rest is read from a VSTREAM as consecutive lists until the
 * reader fails (at most FUZZ_ATTR_LISTS lists).
 *
 * attr_scan() asks for a string, an int and a long, as the delivery
 * protocols do; what it stores is printed again with attr_print() and must
 * scan back, strictly, to the same values. A table from attr_scan_table()
 * is printed again and must scan back to a table with the same entries.
 * A broken property is a msg_panic, which libFuzzer reports as a crash.
 */
#include "sys_defs.h"

#include <string.h>

#include "attr.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "fuzz_util.h"

#define FUZZ_ATTR_LISTS 64

/* fuzz_attr_fixed - one list into fixed destinations, and back */
static int
fuzz_attr_fixed(VSTREAM *src, int flags, VSTRING *str, VSTRING *str2)
{
    VSTREAM *dst;
    int count, count2;
    int num = 0, num2 = 0;
    long lnum = 0, lnum2 = 0;

    count = attr_scan(src, flags, RECV_ATTR_STR("queue_id", str), RECV_ATTR_INT("status", &num),
                      RECV_ATTR_LONG("offset", &lnum), ATTR_TYPE_END);
    if (count < 3 || memchr(STR(str), 0, LEN(str)) != NULL)
        return (count);
    dst = fuzz_scratch_open();
    if (attr_print(dst, ATTR_FLAG_NONE, SEND_ATTR_STR("queue_id", STR(str)),
                   SEND_ATTR_INT("status", num), SEND_ATTR_LONG("offset", lnum),
                   ATTR_TYPE_END) != 0 ||
        vstream_fflush(dst) != 0 || vstream_fseek(dst, 0, SEEK_SET) != 0)
        msg_panic("attr_print to scratch stream failed");
    count2 =
        attr_scan(dst, ATTR_FLAG_STRICT, RECV_ATTR_STR("queue_id", str2),
                  RECV_ATTR_INT("status", &num2), RECV_ATTR_LONG("offset", &lnum2), ATTR_TYPE_END);
    if (count2 != 3 || strcmp(STR(str), STR(str2)) != 0 || num != num2 || lnum != lnum2)
        msg_panic("attr_scan/attr_print round trip: count %d, \"%s\" %d %ld vs \"%s\" %d %ld",
                  count2, STR(str), num, lnum, STR(str2), num2, lnum2);
    fuzz_stream_close(dst);
    return (count);
}

/* fuzz_attr_print_table - write a table as one list */
static void
fuzz_attr_print_table(VSTREAM *dst, HTABLE *table)
{
    HTABLE_INFO **list = htable_list(table);
    HTABLE_INFO **ht;

    for (ht = list; *ht; ht++)
        if (attr_print(dst, ATTR_FLAG_MORE, SEND_ATTR_STR((*ht)->key, (*ht)->value),
                       ATTR_TYPE_END) != 0)
            msg_panic("attr_print to scratch stream failed");
    myfree(list);
    if (attr_print(dst, ATTR_FLAG_NONE, ATTR_TYPE_END) != 0)
        msg_panic("attr_print to scratch stream failed");
}

/* fuzz_attr_table - one list into a table, and back */
static int
fuzz_attr_table(VSTREAM *src, int flags)
{
    HTABLE *table, *table2;
    HTABLE_INFO **list, **ht;
    const char *value;
    VSTREAM *dst;

    if ((table = attr_scan_table(src, flags)) == NULL)
        return (-1);
    dst = fuzz_scratch_open();
    fuzz_attr_print_table(dst, table);
    if (vstream_fflush(dst) != 0 || vstream_fseek(dst, 0, SEEK_SET) != 0)
        msg_panic("rewind scratch stream: %m");
    if ((table2 = attr_scan_table(dst, ATTR_FLAG_NONE)) == NULL || table2->used != table->used)
        msg_panic("attr_scan_table round trip: %ld attributes, then %ld", (long)table->used,
                  table2 ? (long)table2->used : -1L);
    list = htable_list(table);
    for (ht = list; *ht; ht++)
        if ((value = htable_find(table2, (*ht)->key)) == NULL ||
            strcmp(value, (char *)(*ht)->value) != 0)
            msg_panic("attr_scan_table round trip: attribute %s differs", (*ht)->key);
    myfree(list);
    htable_free(table, myfree);
    htable_free(table2, myfree);
    fuzz_stream_close(dst);
    return (0);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VSTRING *str, *str2;
    VSTREAM *src;
    int control;
    int n;

    if (size < 1 || size > FUZZ_MAX_INPUT)
        return (0);
    fuzz_quiet();
    if (str == NULL) {
        str = vstring_alloc(100);
        str2 = vstring_alloc(100);
    }
    control = data[size - 1];
    src = fuzz_stream_open(data, size - 1);
    for (n = 0; n < FUZZ_ATTR_LISTS; n++) {
        if (control & 4) {
            if (fuzz_attr_table(src, control & 3) < 0)
                break;
        } else if (fuzz_attr_fixed(src, control & 3, str, str2) < 0) {
            break;
        }
        if (vstream_feof(src) || vstream_ferror(src))
            break;
    }
    fuzz_stream_close(src);
    return (0);
}
