/*
 * postdrop - store a locally submitted message in the maildrop queue.
 *
 * SYNOPSIS
 *	postdrop [-c config_dir] [-v]
 *
 * DESCRIPTION
 *	postdrop reads one message as a record stream on standard input (as
 *	sendmail writes it), checks every record, and stores the records
 *	unchanged in maildrop/ID (written as maildrop/ID.tmp, mode 0644,
 *	fsync'ed, renamed, directory fsync'ed; when the user may not read the
 *	maildrop directory, mode 1730, the file is fsync'ed again instead,
 *	which on a journaling file system commits the rename). Only then does
 *	it exit 0 and
 *	wake up pickup (public/pickup, 'W'; a failed wakeup does not matter:
 *	pickup also scans on a timer). It adds nothing of its own: pickup
 *	learns the submitting user from the file owner.
 *
 *	Accepted input: [TIME] [FULL] [FLGS] [ATTR...] FROM [RCPT...] MESG
 *	(NORM|CONT)... XTRA END, then end of input. Each record type must
 *	pass rec_type_maildrop_ok(); no record may be longer than
 *	line_length_limit plus room for two addresses; the content may not
 *	exceed message_size_limit bytes. On any error the temporary file is
 *	removed and postdrop exits non-zero (also on SIGHUP, SIGINT, SIGTERM
 *	and when the input ends early).
 *
 * EXIT STATUS
 *	0 when the message is stored; EX_USAGE (64) for a bad command line;
 *	EX_DATAERR (65) for malformed or over-sized input; EX_NOPERM (77)
 *	for a configuration directory that is not allowed; EX_TEMPFAIL (75)
 *	for problems with the queue (try again later).
 *
 * SECURITY
 *	Installed set-gid setgid_group, and runs with the submitting user's
 *	uid: the maildrop directory is writable by that group only. Input
 *	is untrusted: records are checked and bounded, never interpreted.
 *	When set-gid and not run by root, a configuration directory other
 *	than the built-in one (from -c or MAIL_CONFIG) must be listed in
 *	alternate_config_directories of the built-in main.cf; otherwise a
 *	user could point postdrop at a queue of their choosing.
 *
 * STANDARDS
 *	None: the record format is postern's own (rec_type.h).
 *
 * LOGGING
 *	Nothing on success (pickup logs the message); errors as
 *	"postern/postdrop[PID]: fatal: uid=UID: REASON".
 *
 * DIAGNOSTICS
 *	"postdrop: fatal: uid=UID: REASON" on standard error and to the
 *	mail log.
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "stringops.h"
#include "record.h"
#include "rec_type.h"
#include "mail_addr.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "maillog.h"
#include "iostuff.h"
#include "postern_paths.h"
#include "tool_queue.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/auxv.h>
#include <sysexits.h>
#include <unistd.h>

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

/* Where the input is, as postdrop reads it. */
typedef enum POSTDROP_STAGE {
    POSTDROP_ENVELOPE,
    POSTDROP_CONTENT,
    POSTDROP_EXTRACTED,
    POSTDROP_END,
} POSTDROP_STAGE;

/* Which record types each stage accepts, and the stage that follows. */
typedef struct POSTDROP_RULE {
    POSTDROP_STAGE stage;
    int type;
    POSTDROP_STAGE next;
} POSTDROP_RULE;

static const POSTDROP_RULE postdrop_rules[] = {
    {POSTDROP_ENVELOPE, REC_TYPE_TIME, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_FULL, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_FLGS, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_ATTR, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_FROM, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_RCPT, POSTDROP_ENVELOPE},
    {POSTDROP_ENVELOPE, REC_TYPE_MESG, POSTDROP_CONTENT},
    {POSTDROP_CONTENT, REC_TYPE_NORM, POSTDROP_CONTENT},
    {POSTDROP_CONTENT, REC_TYPE_CONT, POSTDROP_CONTENT},
    {POSTDROP_CONTENT, REC_TYPE_XTRA, POSTDROP_EXTRACTED},
    {POSTDROP_EXTRACTED, REC_TYPE_END, POSTDROP_END},
};

/* The file being written, for the exit and signal handlers. */
static VSTREAM *postdrop_stream;
static VSTRING *postdrop_id;
static char postdrop_temp_path[256];

/* postdrop_cleanup - remove the unfinished file before a fatal exit */
static void
postdrop_cleanup(void)
{
    if (postdrop_stream != NULL) {
        mail_queue_abort(postdrop_stream, MAIL_QUEUE_MAILDROP, STR(postdrop_id));
        postdrop_stream = NULL;
    }
}

/* postdrop_sig - remove the unfinished file when interrupted */
static void
postdrop_sig(int sig)
{
    (void)sig;
    if (postdrop_temp_path[0])
        (void)unlink(postdrop_temp_path);
    _exit(EX_TEMPFAIL);
}

/* postdrop_config - pick and read the configuration */
static void
postdrop_config(const char *dir)
{
    int setgid_run = (getgid() != getegid());

    if (dir == NULL)
        dir = getenv("MAIL_CONFIG");
    if (dir != NULL && setgid_run && getuid() != 0 && !tool_config_allowed(dir))
        msg_fatal_status(EX_NOPERM,
                         "uid=%ld: configuration directory %s is not listed in "
                         "alternate_config_directories of %s/main.cf",
                         (long)getuid(), dir, DEF_CONFIG_DIR);
    mail_conf_set_dir(dir != NULL ? dir : DEF_CONFIG_DIR);
    mail_conf_read();
    mail_params_init();
    maillog_init("postdrop", MAILLOG_FLAG_NONE);
    if (chdir(var_queue_directory) < 0)
        msg_fatal_status(EX_TEMPFAIL, "chdir %s: %m", var_queue_directory);
}

/* postdrop_next - apply the order rules; returns the next stage or -1 */
static int
postdrop_next(POSTDROP_STAGE stage, int type, int *seen_from)
{
    size_t i;

    if (!rec_type_maildrop_ok(type))
        return (-1);
    if (type == REC_TYPE_FROM && (*seen_from)++)
        return (-1);
    if ((type == REC_TYPE_RCPT || type == REC_TYPE_MESG) && !*seen_from)
        return (-1);
    for (i = 0; i < sizeof(postdrop_rules) / sizeof(postdrop_rules[0]); i++)
        if (postdrop_rules[i].stage == stage && postdrop_rules[i].type == type)
            return ((int)postdrop_rules[i].next);
    return (-1);
}

/* postdrop_copy - check and copy the records from stdin to the file */
static void
postdrop_copy(VSTREAM *dst)
{
    static VSTRING *buf; /* static: still reachable at a fatal exit */
    int stage = POSTDROP_ENVELOPE;
    int seen_from = 0;
    long size = 0;
    int type;

    if (buf == NULL)
        buf = vstring_alloc(1000);
    while (stage != POSTDROP_END) {
        type = rec_get(vstream_in, buf, (ssize_t)var_line_length_limit + 2 * MAIL_ADDR_MAX);
        if (type == REC_TYPE_EOF)
            msg_fatal_status(EX_DATAERR, "uid=%ld: premature end of input", (long)getuid());
        if (type == REC_TYPE_ERROR)
            msg_fatal_status(EX_DATAERR, "uid=%ld: malformed input", (long)getuid());
        if ((stage = postdrop_next((POSTDROP_STAGE)stage, type, &seen_from)) < 0)
            msg_fatal_status(EX_DATAERR, "uid=%ld: unexpected record type: %s", (long)getuid(),
                             rec_type_name(type));
        if (type == REC_TYPE_NORM || type == REC_TYPE_CONT) {
            size += LEN(buf) + (type == REC_TYPE_NORM);
            if (var_message_size_limit > 0 && size > var_message_size_limit)
                msg_fatal_status(EX_DATAERR, "uid=%ld: message file too big", (long)getuid());
        }
        if (rec_put(dst, type, STR(buf), LEN(buf)) == REC_TYPE_ERROR)
            msg_fatal_status(EX_TEMPFAIL, "uid=%ld: write queue file: %m", (long)getuid());
    }
    if (rec_get(vstream_in, buf, 1) != REC_TYPE_EOF)
        msg_fatal_status(EX_DATAERR, "uid=%ld: data after the end of the message", (long)getuid());
}

/* postdrop_sanitize - sane descriptors, umask and signals */
static void
postdrop_sanitize(void)
{
    int fd;

    for (fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(EX_OSERR);
    umask(022);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, postdrop_sig);
    signal(SIGINT, postdrop_sig);
    signal(SIGQUIT, postdrop_sig);
    signal(SIGTERM, postdrop_sig);
}

/* main - postdrop */
int
main(int argc, char **argv)
{
    const char *config_dir = NULL;
    VSTRING *path = vstring_alloc(100);
    VSTREAM *stream;
    sigset_t sigs;
    sigset_t saved_sigs;
    int ch;

    postdrop_sanitize();
    msg_set_progname("postdrop");
    msg_stderr_name("postdrop");
    msg_stderr_init();
    opterr = 0;
    while ((ch = getopt(argc, argv, "c:rv")) != -1) {
        if (ch == 'c')
            config_dir = optarg;
        else if (ch == 'v')
            msg_verbose++;
        else if (ch != 'r')
            msg_fatal_status(EX_USAGE, "usage: postdrop [-c config_dir] [-v]");
    }
    postdrop_config(config_dir);
    postdrop_id = vstring_alloc(MAIL_QUEUE_ID_MAX);
    msg_cleanup(postdrop_cleanup);
    /*
     * sendmail sends SIGTERM when it gives up. Until the handler knows the
     * file's name, a signal would leave the scratch file and ID.tmp behind.
     */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGHUP);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGQUIT);
    sigaddset(&sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &sigs, &saved_sigs);
    if ((postdrop_stream =
             mail_queue_enter(MAIL_QUEUE_MAILDROP, MAIL_QUEUE_MAILDROP_MODE, postdrop_id)) == NULL)
        msg_fatal_status(EX_TEMPFAIL, "uid=%ld: cannot create a file in %s/%s: %m", (long)getuid(),
                         var_queue_directory, MAIL_QUEUE_MAILDROP);
    vstring_sprintf(path, "%s/%s.tmp", MAIL_QUEUE_MAILDROP, STR(postdrop_id));
    snprintf(postdrop_temp_path, sizeof(postdrop_temp_path), "%s", STR(path));
    sigprocmask(SIG_SETMASK, &saved_sigs, NULL);
    postdrop_copy(postdrop_stream);
    if (mail_queue_commit(postdrop_stream, MAIL_QUEUE_MAILDROP, STR(postdrop_id)) != 0)
        msg_fatal_status(EX_TEMPFAIL, "uid=%ld: cannot store the message: %m", (long)getuid());
    /* Committed: from here on, nothing may remove the file. */
    stream = postdrop_stream;
    postdrop_stream = NULL;
    postdrop_temp_path[0] = 0;
    if (vstream_fclose(stream) == VSTREAM_EOF)
        msg_warn("uid=%ld: close %s: %m", (long)getuid(), STR(postdrop_id));
    (void)mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, TRIGGER_REQ_WAKEUP);
    vstring_free(path);
    vstring_free(postdrop_id);
    return (0);
}
