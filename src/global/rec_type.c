/*
 * rec_type - names and classes of queue-file record types.
 *
 * rec_type_name() gives the name that postcat prints for a record type
 * ("sender", "recipient", "done_recipient", ...; the names follow
 * Postfix's postcat so that people and scripts recognise them);
 * "unknown_record_type" for anything else. The result is a constant
 * string. rec_type_ok() is true for the record types that postern knows
 * (record.c refuses all others). rec_type_maildrop_ok() is true for the
 * types that postdrop may write into maildrop/. No diagnostics.
 */
#include "sys_defs.h"
#include <string.h>

#include "rec_type.h"

/* One row per known record type. */
static const struct rec_type_info {
    int type;
    const char *name;
    int maildrop_ok;
} rec_type_table[] = {
    {REC_TYPE_SIZE, "message_size", 0},       {REC_TYPE_TIME, "message_arrival_time", 1},
    {REC_TYPE_FULL, "sender_fullname", 1},    {REC_TYPE_FLGS, "cleanup_flags", 1},
    {REC_TYPE_ATTR, "named_attribute", 1},    {REC_TYPE_FROM, "sender", 1},
    {REC_TYPE_ORCP, "original_recipient", 0}, {REC_TYPE_RCPT, "recipient", 1},
    {REC_TYPE_DONE, "done_recipient", 0},     {REC_TYPE_WARN, "warning_message_time", 0},
    {REC_TYPE_MESG, "message_content", 1},    {REC_TYPE_NORM, "regular_text", 1},
    {REC_TYPE_CONT, "unterminated_text", 1},  {REC_TYPE_XTRA, "extracted_info", 1},
    {REC_TYPE_END, "message_end", 1},         {0, 0, 0},
};

/* rec_type_lookup - find the table row of a record type */
static const struct rec_type_info *
rec_type_lookup(int type)
{
    const struct rec_type_info *ip;

    for (ip = rec_type_table; ip->name; ip++)
        if (ip->type == type)
            return ip;
    return 0;
}

/* rec_type_name - the printable name of a record type */
const char *
rec_type_name(int type)
{
    const struct rec_type_info *ip;

    if (type == REC_TYPE_EOF)
        return "end_of_file";
    if (type == REC_TYPE_ERROR)
        return "record_error";
    if ((ip = rec_type_lookup(type)) != 0)
        return ip->name;
    return "unknown_record_type";
}

/* rec_type_ok - is this a record type that postern knows? */
int
rec_type_ok(int type)
{
    return rec_type_lookup(type) != 0;
}

/* rec_type_maildrop_ok - may postdrop write this record type? */
int
rec_type_maildrop_ok(int type)
{
    const struct rec_type_info *ip = rec_type_lookup(type);

    return ip != 0 && ip->maildrop_ok;
}
