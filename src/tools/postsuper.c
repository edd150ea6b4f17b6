/*
 * postsuper - queue maintenance: delete, hold, release and requeue mail.
 *
 * SYNOPSIS
 *	postsuper [-v] [-c config_dir] [-d queue_id] [-h queue_id]
 *		[-H queue_id] [-r queue_id] [queue ...]
 *
 * DESCRIPTION
 *	Each option takes a queue ID, "ALL" (every message in the queues
 *	concerned) or "-" (IDs read from stdin, one per line) and may be
 *	given more than once. The queue arguments, when present, replace
 *	each option's default queues. Work is done in the order delete,
 *	hold, release, requeue.
 *
 *	-d  delete the message and its defer, bounce and trace logs
 *	    (default queues: hold, incoming, active, deferred)
 *	-h  put the message on hold: move it to hold/, where qmgr leaves
 *	    it alone (default queues: incoming, active, deferred)
 *	-H  release held mail: move it from hold/ to deferred/ with its
 *	    next attempt due now, and wake up qmgr
 *	-r  requeue: move the message to maildrop/ so that pickup and
 *	    cleanup process it again (new queue ID, addresses rewritten
 *	    anew); its logs are removed and pickup is woken up
 *	    (default queues: hold, incoming, active, deferred)
 *
 *	Touching active/ while postern runs races with qmgr, as with
 *	Postfix: prefer hold and release, or stop postern first.
 *
 * SECURITY
 *	Needs root or mail_owner (the queue directories are private).
 *
 * LOGGING
 *	"postsuper: ID: removed", "ID: placed on hold", "ID: released from
 *	hold", "ID: requeued" for each message, then the totals to stderr
 *	(and the mail log) like Postfix: "postsuper: Deleted: 2 messages",
 *	"Placed on hold: 1 message", "Released from hold: ...",
 *	"Requeued: ...". A queue that cannot be read is fatal: "postsuper:
 *	fatal: open queue directory PATH: Permission denied".
 */
#include "sys_defs.h"
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "argv.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "queue_scan.h"
#include "stringops.h"
#include "tool_queue.h"
#include "vstream.h"
#include "vstring.h"

#define PS_USAGE                                                                                   \
    "[-v] [-c config_dir] [-d id|ALL|-] [-h id|ALL|-] [-H id|ALL|-] [-r id|ALL|-] [queue...]"

typedef enum { PS_DELETE, PS_HOLD, PS_RELEASE, PS_REQUEUE, PS_OP_COUNT } PS_OP;

/* One row per operation: option, default queues, log text, total text. */
static const struct ps_op_info {
    int option;
    const char *queues[5];
    const char *done;
    const char *total;
} ps_ops[PS_OP_COUNT] = {
    {'d',
     {MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, 0},
     "removed",
     "Deleted"},
    {'h',
     {MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, 0},
     "placed on hold",
     "Placed on hold"},
    {'H', {MAIL_QUEUE_HOLD, 0}, "released from hold", "Released from hold"},
    {'r',
     {MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, 0},
     "requeued",
     "Requeued"},
};

static const char *const ps_logs[] = {MAIL_QUEUE_DEFER, MAIL_QUEUE_BOUNCE, MAIL_QUEUE_TRACE, 0};

/* ps_remove_logs - remove the per-message logs of a queue file */
static void
ps_remove_logs(const char *id)
{
    const char *const *lp;

    for (lp = ps_logs; *lp; lp++)
        if (mail_queue_remove(*lp, id) < 0 && errno != ENOENT)
            msg_warn("remove %s/%s: %m", *lp, id);
}

/* ps_release - move from hold to deferred, due now */
static int
ps_release(const char *queue, const char *id)
{
    if (mail_queue_rename(id, queue, MAIL_QUEUE_DEFERRED) < 0)
        return -1;
    if (utimes(mail_queue_path((VSTRING *)0, MAIL_QUEUE_DEFERRED, id), (struct timeval *)0) < 0)
        msg_warn("set time of %s/%s: %m", MAIL_QUEUE_DEFERRED, id);
    return 0;
}

/* ps_apply - do one operation on a message in a known queue */
static int
ps_apply(PS_OP op, const char *queue, const char *id)
{
    int ret;

    switch (op) {
    case PS_DELETE:
        ps_remove_logs(id);
        ret = mail_queue_remove(queue, id);
        break;
    case PS_HOLD:
        ret = strcmp(queue, MAIL_QUEUE_HOLD) == 0 ? -2
                                                  : mail_queue_rename(id, queue, MAIL_QUEUE_HOLD);
        break;
    case PS_RELEASE:
        ret = ps_release(queue, id);
        break;
    default:
        if ((ret = mail_queue_rename(id, queue, MAIL_QUEUE_MAILDROP)) == 0)
            ps_remove_logs(id);
        break;
    }
    if (ret == -1 && errno != ENOENT)
        msg_warn("%s/%s: %m", queue, id);
    if (ret < 0)
        return 0;
    msg_info("%s: %s", id, ps_ops[op].done);
    return 1;
}

/* ps_one - an operation on one message, wherever it is */
static int
ps_one(PS_OP op, const char *const *queues, const char *id)
{
    const char *queue;
    char *copy;

    if (!mail_queue_id_ok(id)) {
        copy = mystrdup(id);
        msg_warn("invalid mail queue ID: %.100s", printable(copy, '?'));
        myfree(copy);
        return 0;
    }
    if ((queue = tool_message_queue(id, queues)) == 0)
        return 0;
    return ps_apply(op, queue, id);
}

/* ps_all - an operation on every message in the queues */
static int
ps_all(PS_OP op, const char *const *queues)
{
    ARGV *ids;
    ssize_t i;
    int count = 0;

    for (; *queues; queues++) {
        if ((ids = queue_scan_ids(*queues)) == 0) {
            if (errno == ENOENT)
                continue;
            msg_fatal("open queue directory %s/%s: %m", var_queue_directory, *queues);
        }
        for (i = 0; i < ids->argc; i++)
            count += ps_apply(op, *queues, ids->argv[i]);
        argv_free(ids);
    }
    return count;
}

/* ps_stdin - an operation on each queue ID read from stdin */
static int
ps_stdin(PS_OP op, const char *const *queues)
{
    VSTRING *line = vstring_alloc(100);
    char *id;
    int count = 0;

    while (vstream_get_line(vstream_in, line, 1000) != VSTREAM_EOF) {
        id = trimblanks(skipblanks(STR(line)));
        if (*id)
            count += ps_one(op, queues, id);
    }
    vstring_free(line);
    return count;
}

/* ps_run - run one operation for one argument */
static int
ps_run(PS_OP op, const char *const *queues, const char *arg)
{
    if (strcmp(arg, "ALL") == 0)
        return ps_all(op, queues);
    if (strcmp(arg, "-") == 0)
        return ps_stdin(op, queues);
    if (!mail_queue_id_ok(arg))
        msg_fatal("invalid mail queue ID: %s", arg);
    return ps_one(op, queues, arg);
}

/* ps_queue_args - validate queue arguments; NULL-terminated, or NULL */
static const char **
ps_queue_args(int argc, char **argv)
{
    static const char *const known[] = {MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
                                        MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD,     0};
    const char **queues;
    const char *const *kp;
    int i;

    if (argc == 0)
        return 0;
    queues = (const char **)mycalloc(argc + 1, sizeof(char *));
    for (i = 0; i < argc; i++) {
        for (kp = known; *kp && strcmp(*kp, argv[i]) != 0; kp++)
            /* void */;
        if (*kp == 0)
            msg_fatal("invalid directory name: %s", argv[i]);
        queues[i] = *kp;
    }
    return queues;
}

/* ps_op_of - the operation of a command-line option */
static PS_OP
ps_op_of(int option)
{
    PS_OP op;

    for (op = 0; op < PS_OP_COUNT; op++)
        if (ps_ops[op].option == option)
            return op;
    return PS_OP_COUNT;
}

/* ps_report - print the totals and wake up the daemons concerned */
static void
ps_report(const int *counts)
{
    PS_OP op;

    for (op = 0; op < PS_OP_COUNT; op++)
        if (counts[op] > 0)
            msg_info("%s: %d message%s", ps_ops[op].total, counts[op], counts[op] == 1 ? "" : "s");
    if (counts[PS_RELEASE] > 0)
        (void)mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, QMGR_REQ_SCAN_DEFERRED);
    if (counts[PS_REQUEUE] > 0)
        (void)mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, TRIGGER_REQ_WAKEUP);
}

/* main - parse the command line, then delete, hold, release, requeue */
int
main(int argc, char **argv)
{
    ARGV *args[PS_OP_COUNT];
    const char **queues;
    const char *config_dir = 0;
    int counts[PS_OP_COUNT] = {0};
    int any = 0;
    PS_OP op;
    ssize_t i;
    int ch;

    tool_init(argv[0]);
    for (op = 0; op < PS_OP_COUNT; op++)
        args[op] = argv_alloc(1);
    while ((ch = getopt(argc, argv, "c:d:h:H:r:v")) > 0) {
        if (ch == 'c') {
            config_dir = optarg;
        } else if (ch == 'v') {
            msg_verbose++;
        } else if ((op = ps_op_of(ch)) < PS_OP_COUNT) {
            argv_add(args[op], optarg, (char *)0);
            any = 1;
        } else {
            tool_usage(PS_USAGE);
        }
    }
    if (!any)
        tool_usage(PS_USAGE);
    queues = ps_queue_args(argc - optind, argv + optind);
    tool_config(config_dir);
    for (op = 0; op < PS_OP_COUNT; op++)
        for (i = 0; i < args[op]->argc; i++)
            counts[op] += ps_run(op, queues ? queues : ps_ops[op].queues, args[op]->argv[i]);
    ps_report(counts);
    for (op = 0; op < PS_OP_COUNT; op++)
        argv_free(args[op]);
    myfree(queues);
    return 0;
}
