/*
 * postcat - show the contents of postern queue files.
 *
 * SYNOPSIS
 *	postcat [-behov] [-c config_dir] [file ...]
 *	postcat [-behov] [-c config_dir] -q queue_id ...
 *
 * DESCRIPTION
 *	postcat prints queue files in the layout of Postfix's postcat:
 *
 *	*** ENVELOPE RECORDS file ***
 *	message_size: (the SIZE record as stored)
 *	message_arrival_time: Mon Nov 23 01:00:59 2009
 *	sender: user@example.com
 *	original_recipient: ... / recipient: ... / done_recipient: ...
 *	*** MESSAGE CONTENTS file ***
 *	(header and body text; long lines stored as CONT pieces are joined)
 *	*** HEADER EXTRACTED file ***
 *	(recipients that cleanup extracted from the headers)
 *	*** MESSAGE FILE END file ***
 *
 *	Other envelope records print as "name: value" with the names of
 *	rec_type_name() (sender_fullname, cleanup_flags, named_attribute,
 *	warning_message_time). Without a file argument postcat reads stdin.
 *	It is the oracle of the queue golden tests (tests/golden/).
 *
 *	-b  print the message body (the text after the header)
 *	-c  the configuration directory (only -q needs main.cf)
 *	-e  print the envelope records and the section markers
 *	-h  print the message header
 *	    (without -b, -e or -h: all three)
 *	-o  print each record's offset before it
 *	-q  the arguments are queue IDs, searched in maildrop, incoming,
 *	    active, deferred and hold below queue_directory
 *	-v  more verbose (also labels text records)
 *
 * SECURITY
 *	Not set-uid or set-gid. Reading the queue needs root or mail_owner.
 *
 * DIAGNOSTICS
 *	To stderr, "postcat: warning: ..." for a file that is not a queue
 *	file or has records out of order; "postcat: fatal: ..." for a record
 *	that cannot be read (the output up to there is printed first), a bad
 *	queue ID or a queue file that cannot be found. Exit status 0 on
 *	success, 1 on a fatal error.
 */
#include "sys_defs.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail_queue.h"
#include "msg.h"
#include "record.h"
#include "stringops.h"
#include "tool_queue.h"
#include "vstream.h"
#include "vstring.h"

#define PC_FLAG_QUEUE (1 << 0)
#define PC_FLAG_OFFSET (1 << 1)
#define PC_FLAG_ENV (1 << 2)
#define PC_FLAG_HEADER (1 << 3)
#define PC_FLAG_BODY (1 << 4)
#define PC_MASK_TEXT (PC_FLAG_HEADER | PC_FLAG_BODY)
#define PC_MASK_ALL (PC_FLAG_ENV | PC_MASK_TEXT)

typedef enum { PC_STATE_ENV, PC_STATE_HEADER, PC_STATE_BODY } PC_STATE;

typedef struct PC_CONTEXT {
    VSTREAM *fp;
    int flags;
    PC_STATE state;
    int do_print;
    int prev_type;
    long offset;
} PC_CONTEXT;

#define PC_OUT vstream_out

/* pc_is_header - does a text line start a header field ("Name:")? */
static int
pc_is_header(const char *line)
{
    const char *cp = line;

    while (*cp && *cp != ':' && (unsigned char)*cp > ' ' && (unsigned char)*cp < 127)
        cp++;
    if (cp == line)
        return 0;
    while (*cp == ' ' || *cp == '\t')
        cp++;
    return *cp == ':';
}

/* pc_prefix - the optional offset in front of a line */
static void
pc_prefix(PC_CONTEXT *pc)
{
    if (pc->flags & PC_FLAG_OFFSET)
        vstream_fprintf(PC_OUT, "%9lu ", (unsigned long)pc->offset);
}

/* pc_marker - print a section marker */
static void
pc_marker(PC_CONTEXT *pc, const char *text)
{
    pc_prefix(pc);
    vstream_fprintf(PC_OUT, "*** %s %s ***\n", text, vstream_name(pc->fp));
}

/* pc_time - print a record that holds a time in seconds */
static void
pc_time(int type, const char *data)
{
    long value;
    char *end;
    time_t when;

    value = strtol(data, &end, 10);
    if (end == data) {
        vstream_fprintf(PC_OUT, "%s: %s\n", rec_type_name(type), data);
        return;
    }
    when = (time_t)value;
    vstream_fprintf(PC_OUT, "%s: %s", rec_type_name(type), asctime(localtime(&when)));
}

/* pc_text - print a NORM or CONT record */
static void
pc_text(PC_CONTEXT *pc, int type, VSTRING *buf)
{
    if (type == REC_TYPE_CONT && pc->state == PC_STATE_ENV)
        vstream_fprintf(PC_OUT, "%s: ", rec_type_name(type));
    else if (msg_verbose)
        vstream_fprintf(PC_OUT, "%s: ", rec_type_name(type));
    vstream_fwrite(PC_OUT, STR(buf), LEN(buf));
    if (type == REC_TYPE_NORM || pc->state == PC_STATE_ENV || msg_verbose ||
        (pc->flags & PC_FLAG_OFFSET)) {
        vstream_putc('\n', PC_OUT);
        if (type == REC_TYPE_CONT)
            pc->prev_type = 0; /* this output line is finished */
    }
}

/* pc_print - print a record that has no effect on the state */
static void
pc_print(PC_CONTEXT *pc, int type, VSTRING *buf)
{
    char *value;

    pc_prefix(pc);
    switch (type) {
    case REC_TYPE_TIME:
    case REC_TYPE_WARN:
        pc_time(type, STR(buf));
        break;
    case REC_TYPE_NORM:
    case REC_TYPE_CONT:
        pc_text(pc, type, buf);
        return;
    case REC_TYPE_ATTR:
        if ((value = strchr(STR(buf), '=')) == 0 || value == STR(buf)) {
            msg_warn("%s: malformed attribute: %.100s", vstream_name(pc->fp),
                     printable(STR(buf), '?'));
            break;
        }
        vstream_fprintf(PC_OUT, "%s: %s\n", rec_type_name(type), STR(buf));
        break;
    default:
        vstream_fprintf(PC_OUT, "%s: %s\n", rec_type_name(type), STR(buf));
        break;
    }
}

/* pc_text_state - switch from header to body at the first non-header line */
static void
pc_text_state(PC_CONTEXT *pc, int type, VSTRING *buf)
{
    (void)type;
    if (pc->state == PC_STATE_HEADER && pc->prev_type != REC_TYPE_CONT && !pc_is_header(STR(buf)) &&
        STR(buf)[0] != ' ' && STR(buf)[0] != '\t') {
        pc->state = PC_STATE_BODY;
        pc->do_print = (pc->flags & PC_FLAG_BODY);
    }
}

/* pc_structure - handle a record that moves between sections; 1 = stop */
static int
pc_structure(PC_CONTEXT *pc, int type)
{
    switch (type) {
    case REC_TYPE_MESG:
        if (pc->state != PC_STATE_ENV)
            msg_warn("%s: out-of-order message content marker", vstream_name(pc->fp));
        if (pc->flags & PC_FLAG_ENV)
            pc_marker(pc, "MESSAGE CONTENTS");
        pc->state = PC_STATE_HEADER;
        pc->do_print = (pc->flags & PC_FLAG_HEADER);
        return 0;
    case REC_TYPE_XTRA:
        if (pc->state == PC_STATE_ENV)
            msg_warn("%s: out-of-order extracted segment marker", vstream_name(pc->fp));
        if (pc->do_print && pc->prev_type == REC_TYPE_CONT)
            vstream_putc('\n', PC_OUT);
        if (pc->flags & PC_FLAG_ENV)
            pc_marker(pc, "HEADER EXTRACTED");
        pc->state = PC_STATE_ENV;
        pc->do_print = (pc->flags & PC_FLAG_ENV);
        return pc->do_print == 0;
    default: /* REC_TYPE_END */
        if (pc->state != PC_STATE_ENV)
            msg_warn("%s: out-of-order message end marker", vstream_name(pc->fp));
        if (pc->flags & PC_FLAG_ENV)
            pc_marker(pc, "MESSAGE FILE END");
        return 1;
    }
}

/* pc_plausible - does the input start like a queue file? */
static int
pc_plausible(VSTREAM *fp)
{
    int ch;

    if ((ch = vstream_getc(fp)) == VSTREAM_EOF)
        return 1;
    vstream_ungetc(fp, ch);
    if (strchr("CTUGAFORDWM", ch) == 0 || ch == 0) {
        msg_warn("%s: input is not a valid queue file", vstream_name(fp));
        return 0;
    }
    return 1;
}

/* postcat - print one queue file */
static void
postcat(VSTREAM *fp, VSTRING *buf, int flags)
{
    PC_CONTEXT pc = {fp, flags, PC_STATE_ENV, flags & PC_FLAG_ENV, 0, 0};
    int type;

    if (!pc_plausible(fp))
        return;
    if (flags & PC_FLAG_ENV)
        vstream_fprintf(PC_OUT, "*** ENVELOPE RECORDS %s ***\n", vstream_name(fp));
    for (;;) {
        pc.offset = (long)vstream_ftell(fp);
        if ((type = rec_get(fp, buf, 0)) == REC_TYPE_ERROR) {
            vstream_fflush(PC_OUT);
            msg_fatal("%s: record read error", vstream_name(fp));
        }
        if (type == REC_TYPE_EOF) {
            msg_warn("%s: premature end of file: no END record", vstream_name(fp));
            break;
        }
        if (type == REC_TYPE_MESG || type == REC_TYPE_XTRA || type == REC_TYPE_END) {
            if (pc_structure(&pc, type))
                break;
            pc.prev_type = type;
            continue;
        }
        if (type == REC_TYPE_NORM || type == REC_TYPE_CONT)
            pc_text_state(&pc, type, buf);
        pc.prev_type = type;
        if (pc.do_print)
            pc_print(&pc, type, buf); /* may mark a CONT line as finished */
    }
    vstream_fflush(PC_OUT);
}

/* postcat_queue_file - find a queue file by ID and print it */
static void
postcat_queue_file(const char *id, VSTRING *buf, int flags)
{
    static const char *const queues[] = {MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING,
                                         MAIL_QUEUE_ACTIVE,   MAIL_QUEUE_DEFERRED,
                                         MAIL_QUEUE_HOLD,     0};
    const char *const *qp;
    VSTREAM *fp = 0;

    if (!mail_queue_id_ok(id))
        msg_fatal("bad mail queue ID: %s", id);
    for (qp = queues; *qp && fp == 0; qp++)
        fp = mail_queue_open(*qp, id, O_RDONLY, 0);
    if (fp == 0)
        msg_fatal("open queue file %s: %m", id);
    postcat(fp, buf, flags);
    if (vstream_fclose(fp) != 0)
        msg_warn("close %s: %m", id);
}

/* postcat_path - print a queue file named by its path */
static void
postcat_path(const char *path, VSTRING *buf, int flags)
{
    VSTREAM *fp;

    if ((fp = vstream_fopen(path, O_RDONLY, 0)) == 0)
        msg_fatal("open %s: %m", path);
    vstream_set_name(fp, path);
    postcat(fp, buf, flags);
    if (vstream_fclose(fp) != 0)
        msg_warn("close %s: %m", path);
}

/* main - parse the command line and print each file */
int
main(int argc, char **argv)
{
    VSTRING *buf = vstring_alloc(100);
    const char *config_dir = 0;
    int flags = 0;
    int ch;

    tool_init(argv[0]);
    while ((ch = getopt(argc, argv, "bc:dehoqv")) > 0) {
        switch (ch) {
        case 'b':
            flags |= PC_FLAG_BODY;
            break;
        case 'c':
            config_dir = optarg;
            break;
        case 'd':
            break; /* Postfix's decimal record types: not useful here */
        case 'e':
            flags |= PC_FLAG_ENV;
            break;
        case 'h':
            flags |= PC_FLAG_HEADER;
            break;
        case 'o':
            flags |= PC_FLAG_OFFSET;
            break;
        case 'q':
            flags |= PC_FLAG_QUEUE;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            tool_usage("[-behov] [-c config_dir] [-q queue_id ...] [file ...]");
        }
    }
    if ((flags & PC_MASK_ALL) == 0)
        flags |= PC_MASK_ALL;
    if (optind == argc) {
        if (flags & PC_FLAG_QUEUE)
            tool_usage("[-behov] [-c config_dir] -q queue_id ...");
        vstream_set_name(vstream_in, "stdin");
        postcat(vstream_in, buf, flags);
    } else if (flags & PC_FLAG_QUEUE) {
        tool_config(config_dir);
        for (; optind < argc; optind++)
            postcat_queue_file(argv[optind], buf, flags);
    } else {
        for (; optind < argc; optind++)
            postcat_path(argv[optind], buf, flags);
    }
    vstring_free(buf);
    return vstream_fflush(PC_OUT) == 0 ? 0 : 1;
}
