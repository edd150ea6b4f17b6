/*
 * postqueue - list the mail queue, or ask the queue manager to deliver.
 *
 * SYNOPSIS
 *	postqueue [-v] [-c config_dir] -p     (also: mailq)
 *	postqueue [-v] [-c config_dir] -j
 *	postqueue [-v] [-c config_dir] -f
 *	postqueue [-v] [-c config_dir] -i queue_id
 *
 * DESCRIPTION
 *	-p  list the queue in the Sendmail mailq form that Postfix prints:
 *	    queue ID ('*' = being delivered, '!' = on hold), size, arrival
 *	    time, sender, then each recipient not yet delivered, with the
 *	    reason for the delay above it in parentheses. Invoked as
 *	    "mailq", postqueue does -p.
 *	-j  the same, as one JSON object per message and line, with
 *	    Postfix's member names (queue_name, queue_id, arrival_time,
 *	    message_size, forced_expire, sender, recipients[] with address
 *	    and delay_reason).
 *	-f  flush: wake up qmgr with the requests F (forget dead
 *	    destinations), A (the next deferred scan ignores the time of
 *	    next attempt) and D (scan the deferred queue now).
 *	-i  schedule one deferred message now: set its time of next
 *	    attempt (the file's mtime) to now, then send F and D to qmgr.
 *	-c  the configuration directory; -v more verbose logging.
 *
 *	-p and -j ask the showq daemon (public/showq, reachable because
 *	postqueue is set-gid setgid_group) for the listing and copy it to
 *	stdout, so they work for every user. When showq cannot be reached
 *	(the mail system is down), root and mail_owner read the queue
 *	directly after a warning; other users get a fatal error. -i reads
 *	the queue itself and needs root or mail_owner; -f needs only
 *	access to public/qmgr.
 *
 * DIAGNOSTICS
 *	"postqueue: fatal: Queue report unavailable - mail system is down
 *	(Connect to the postern showq service: REASON)" (exit status 69)
 *	for a listing that nobody can make; "postqueue: warning: Mail
 *	system is down -- accessing queue directly (...)" before root or
 *	mail_owner reads the queue itself; "postqueue: fatal: Cannot
 *	flush mail queue - mail system is down" (exit status 69) when qmgr
 *	cannot be reached. Warnings and errors also go to the mail log.
 */
#include "sys_defs.h"
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sysexits.h>
#include <unistd.h>

#include "mail_params.h"
#include "mail_proto.h"
#include "postern_paths.h"
#include "mail_queue.h"
#include "msg.h"
#include "showq_format.h"
#include "tool_queue.h"
#include "vstream.h"
#include "vstring.h"

#define PQ_USAGE "[-v] [-c config_dir] -p | -j | -f | -i queue_id"
#define PQ_EX_UNAVAILABLE 69

typedef enum { PQ_NONE, PQ_LIST, PQ_JSON, PQ_FLUSH, PQ_SCHEDULE } PQ_MODE;

/*
 * In an ASan build run set-gid by a user outside setgid_group, the process
 * is not dumpable: ASan cannot read ASAN_OPTIONS from /proc/self/environ
 * and LeakSanitizer cannot stop the process at exit, which it turns into a
 * fatal error and exit status 1. Leak checking is off in that case only
 * (docs/testing.md). Unused in builds without ASan.
 */
const char *__asan_default_options(void);

/* __asan_default_options - ASan builds: no leak check when set-gid */
const char *
__asan_default_options(void)
{
    return (getauxval(AT_SECURE) ? "detect_leaks=0" : "");
}

/* pq_trigger - send wakeup requests to qmgr, fatal when it is down */
static void
pq_trigger(const char *requests)
{
    const char *cp;

    for (cp = requests; *cp; cp++)
        if (mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, *cp) < 0)
            msg_fatal_status(PQ_EX_UNAVAILABLE, "Cannot flush mail queue - mail system is down");
}

/* pq_showq_copy - ask showq for a listing and copy it to stdout */
static void
pq_showq_copy(VSTREAM *showq, int format)
{
    char buf[VSTREAM_BUFSIZE];
    ssize_t len;

    if (attr_print(showq, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_REQ, SHOWQ_REQ_LIST),
                   SEND_ATTR_STR(MAIL_ATTR_FORMAT, showq_format_name(format)),
                   ATTR_TYPE_END) != 0 ||
        vstream_fflush(showq) == VSTREAM_EOF)
        msg_fatal_status(PQ_EX_UNAVAILABLE, "send request to %s: %m", vstream_name(showq));
    while ((len = vstream_fread(showq, buf, sizeof(buf))) > 0)
        if (vstream_fwrite(vstream_out, buf, (size_t)len) != len)
            break;
    if (vstream_ferror(showq))
        msg_fatal_status(PQ_EX_UNAVAILABLE, "read from %s: %s", vstream_name(showq),
                         vstream_ftimeout(showq) ? "timeout" : "read error");
    (void)vstream_fclose(showq);
}

/* pq_may_read_queue - may this user read the queue directories? */
static int
pq_may_read_queue(void)
{
    struct passwd *pw;

    if (getuid() == 0)
        return 1;
    return ((pw = getpwnam(var_mail_owner)) != 0 && pw->pw_uid == getuid());
}

/* pq_show - list the queue through showq; directly when it is down */
static void
pq_show(int format)
{
    VSTRING *why;
    VSTREAM *showq;
    int connect_errno;

    if ((showq = mail_connect_quiet(MAIL_CLASS_PUBLIC, MAIL_SERVICE_SHOWQ, MAIL_PROTO_SHOWQ)) !=
        0) {
        pq_showq_copy(showq, format);
        return;
    }
    connect_errno = errno;
    if (!pq_may_read_queue()) {
        errno = connect_errno;
        msg_fatal_status(PQ_EX_UNAVAILABLE,
                         "Queue report unavailable - mail system is down"
                         " (Connect to the %s %s service: %m)",
                         var_mail_name, MAIL_SERVICE_SHOWQ);
    }
    errno = connect_errno; /* getpwnam() may have changed it */
    msg_warn("Mail system is down -- accessing queue directly"
             " (Connect to the %s %s service: %m)",
             var_mail_name, MAIL_SERVICE_SHOWQ);
    why = vstring_alloc(100);
    if (showq_format_list(vstream_out, format, why) < 0)
        msg_fatal("%s", STR(why));
    vstring_free(why);
}

/* pq_schedule - make one deferred message due now and wake up qmgr */
static void
pq_schedule(const char *id)
{
    static const char *const waiting[] = {MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, 0};
    static const char *const held[] = {MAIL_QUEUE_HOLD, 0};
    static const char *const deferred[] = {MAIL_QUEUE_DEFERRED, 0};
    VSTRING *path = vstring_alloc(100);

    if (!mail_queue_id_ok(id))
        msg_fatal("bad mail queue ID: %s", id);
    if (tool_message_queue(id, deferred)) {
        if (utimes(mail_queue_path(path, MAIL_QUEUE_DEFERRED, id), (struct timeval *)0) < 0)
            msg_fatal("set time of %s: %m", STR(path));
        pq_trigger("FD");
    } else if (tool_message_queue(id, waiting)) {
        pq_trigger("I"); /* already scheduled: just make sure qmgr looks */
    } else if (tool_message_queue(id, held)) {
        msg_fatal("%s: message is on hold (release it with postsuper -H)", id);
    } else {
        msg_fatal("%s: no such message in the queue", id);
    }
    vstring_free(path);
}

/* pq_config_check - set-gid: only allowed configuration directories; returns the one to use */
static const char *
pq_config_check(const char *config_dir)
{
    const char *env;

    if (config_dir == 0 && (env = getenv("MAIL_CONFIG")) != 0 && *env)
        config_dir = env;
    /* Otherwise a user's main.cf could name the log file, the queue, mail_owner. */
    if (config_dir != 0 && getgid() != getegid() && getuid() != 0 &&
        !tool_config_allowed(config_dir))
        msg_fatal_status(EX_NOPERM,
                         "uid=%ld: configuration directory %s is not listed in "
                         "alternate_config_directories of %s/main.cf",
                         (long)getuid(), config_dir, DEF_CONFIG_DIR);
    return config_dir;
}

/* pq_set_mode - only one of -p, -j, -f, -i */
static PQ_MODE
pq_set_mode(PQ_MODE old, PQ_MODE new)
{
    if (old != PQ_NONE && old != new)
        tool_usage(PQ_USAGE);
    return new;
}

/* main - parse the command line and do one thing */
int
main(int argc, char **argv)
{
    const char *config_dir = 0;
    const char *id = 0;
    const char *base = strrchr(argv[0], '/');
    PQ_MODE mode = PQ_NONE;
    int ch;

    tool_init(argv[0]);
    base = base ? base + 1 : argv[0];
    if (strcmp(base, "mailq") == 0)
        mode = PQ_LIST;
    while ((ch = getopt(argc, argv, "c:fi:jps:v")) > 0) {
        switch (ch) {
        case 'c':
            config_dir = optarg;
            break;
        case 'f':
            mode = pq_set_mode(mode, PQ_FLUSH);
            break;
        case 'i':
            mode = pq_set_mode(mode, PQ_SCHEDULE);
            id = optarg;
            break;
        case 'j':
            mode = pq_set_mode(mode, PQ_JSON);
            break;
        case 'p':
            mode = pq_set_mode(mode, PQ_LIST);
            break;
        case 's':
            msg_fatal("-s %s: per-site flush is not supported; use -f", optarg);
        case 'v':
            msg_verbose++;
            break;
        default:
            tool_usage(PQ_USAGE);
        }
    }
    if (optind != argc || mode == PQ_NONE)
        tool_usage(PQ_USAGE);
    tool_config(pq_config_check(config_dir));
    switch (mode) {
    case PQ_LIST:
        pq_show(SHOWQ_FORMAT_TEXT);
        break;
    case PQ_JSON:
        pq_show(SHOWQ_FORMAT_JSON);
        break;
    case PQ_FLUSH:
        pq_trigger("FAD");
        break;
    case PQ_SCHEDULE:
        pq_schedule(id);
        break;
    default:
        break;
    }
    return vstream_fflush(vstream_out) == 0 ? 0 : 1;
}
