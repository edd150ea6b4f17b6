/*
 * master - the postern process manager.
 *
 * SYNOPSIS
 *      master [-c config_dir] [-d] [-t] [-v]
 *
 * DESCRIPTION
 *      master reads main.cf and master.cf, creates any missing queue
 *      directory, takes the pid file lock ($queue_directory/pid/master.pid),
 *      opens the listening endpoint of every service it can run, and starts
 *      each service's program (from daemon_directory) on demand, up to the
 *      service's process limit. Children report busy/idle over a status
 *      channel (master_proto.h); a failing service is throttled for
 *      service_throttle_time. Services with a wakeup time are woken
 *      periodically, and started at once if they run unconditionally.
 *      docs/master.md has the details.
 *
 *      -c dir  configuration directory (else MAIL_CONFIG, else built in).
 *      -d      stay in the foreground (also keep logging to stderr).
 *      -t      test: exit 0 if no master is running, 1 if one is.
 *      -v      verbose logging; passed on to the children.
 *
 *      Without -d, master detaches and the parent exits 0 only once the
 *      pid file is locked and the listeners are open (1 on failure), so
 *      "postern start" knows the outcome.
 *
 * SIGNALS
 *      SIGHUP reload; SIGTERM/SIGINT stop (children get SIGTERM, then
 *      SIGKILL after 5 seconds); SIGQUIT abort (SIGKILL at once).
 *
 * SECURITY
 *      master runs as root in a system installation (or as any user for a
 *      private instance). It parses only main.cf and master.cf, which root
 *      owns, and the fixed-size status records of its own children; it
 *      never reads mail or network input. Children are started with a
 *      clean environment (import_environment plus MAIL_CONFIG) and only
 *      descriptors 0-2, 5 and 6+ open.
 *
 * LOGGING
 *      daemon started -- version V, configuration DIR
 *      reload -- version V, configuration DIR
 *      terminating on signal 15
 *      warning: process /PATH pid N exit status S
 *      warning: /PATH: bad command startup -- throttling
 *      warning: PATH, line N: service NAME/TYPE: PROGRAM: No such file or
 *               directory -- skipped
 *      fatal: the postern mail system is already running
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "lock.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "maillog.h"

#include "master.h"
#include "queue_tree.h"

static int master_ready_fd = -1;

/* master_usage - complain about the command line */
static NORETURN
master_usage(const char *myname)
{
    msg_fatal("usage: %s [-c config_dir] [-d] [-t] [-v]", myname);
}

/* master_detach - go to the background; the parent waits for "ready" */
static void
master_detach(void)
{
    int fds[2];
    char ch;
    ssize_t n;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0)
        msg_fatal("pipe: %m");
    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid > 0) {
        (void)close(fds[1]);
        while ((n = read(fds[0], &ch, 1)) < 0 && errno == EINTR)
            /* void */;
        _exit(n == 1 ? 0 : 1);
    }
    (void)close(fds[0]);
    (void)setsid();
    master_ready_fd = fds[1];
}

/* master_ready - tell the waiting parent, and let go of the terminal */
static void
master_ready(void)
{
    int fd;

    if (master_ready_fd >= 0) {
        if (write(master_ready_fd, "", 1) != 1)
            msg_warn("cannot report readiness: %m");
        (void)close(master_ready_fd);
        master_ready_fd = -1;
    }
    if (!master_foreground && (fd = open("/dev/null", O_RDWR)) >= 0) {
        (void)dup2(fd, 0);
        (void)dup2(fd, 1);
        (void)dup2(fd, 2);
        if (fd > 2)
            (void)close(fd);
    }
}

/* master_identity - who owns the queue and the endpoints */
static void
master_identity(QUEUE_TREE_IDS *ids)
{
    VSTRING *why = vstring_alloc(100);

    if (queue_tree_ids(ids, why) < 0)
        msg_fatal("%s", STR(why));
    vstring_free(why);
    master_privileged = ids->privileged;
    master_owner_uid = ids->mail_uid;
    master_owner_gid = ids->mail_gid;
}

/* main - parse, configure, detach, serve */
int
main(int argc, char **argv)
{
    QUEUE_TREE_IDS ids;
    char *pid_path;
    int test_only = 0;
    int ch;

    /* Descriptors inherited from whoever started us would leak to children. */
    (void)close_range(3, ~0U, 0);
    umask(022);
    maillog_init("master", MAILLOG_FLAG_STDERR);
    while ((ch = getopt(argc, argv, "c:dtv")) > 0) {
        switch (ch) {
        case 'c':
            mail_conf_set_dir(optarg);
            break;
        case 'd':
            master_foreground = 1;
            break;
        case 't':
            test_only = 1;
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            master_usage(argv[0]);
        }
    }
    if (optind != argc)
        master_usage(argv[0]);
    mail_conf_read();
    mail_params_init();
    maillog_init("master", MAILLOG_FLAG_STDERR);
    pid_path =
        concatenate(var_queue_directory, "/", var_process_id_directory, "/master.pid", (char *)0);
    if (test_only)
        exit(lock_holder(pid_path) ? 1 : 0);
    (void)mail_conf_check_unused();
    master_identity(&ids);
    queue_tree_create(var_queue_directory, &ids);
    if (chdir(var_queue_directory) < 0)
        msg_fatal("chdir %s: %m", var_queue_directory);
    if (!master_foreground)
        master_detach();
    master_pid_lock(pid_path);
    myfree(pid_path);
    master_sig_init();
    master_config_start();
    msg_info("daemon started -- version %s, configuration %s", MAIL_VERSION, mail_conf_dir());
    master_ready();
    for (;;)
        event_loop(-1);
}
