/*
 * master_sig - turn signals into events with a self-pipe.
 *
 * The handlers only write the signal number into a non-blocking pipe; the
 * event loop reads it and runs the action outside signal context:
 * SIGHUP reload, SIGTERM and SIGINT stop (children get SIGTERM and a grace
 * period), SIGQUIT abort (children get SIGKILL), SIGCHLD reap. SIGPIPE is
 * ignored.
 *
 * LOGGING: "reload -- version V, configuration DIR" (master_config.c);
 * "terminating on signal N".
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"

#include "master.h"

static int master_sig_pipe[2] = {-1, -1};

/* master_sig_handler - record a signal for the event loop */
static void
master_sig_handler(int sig)
{
    int saved = errno;
    unsigned char byte = (unsigned char)sig;

    if (write(master_sig_pipe[1], &byte, 1) < 0) {
        /* The pipe is full: enough wakeups are queued already. */
    }
    errno = saved;
}

/* master_sig_event - run the actions of the signals that arrived */
static void
master_sig_event(int event, void *context)
{
    unsigned char buf[64];
    int got_chld = 0;
    ssize_t n;
    ssize_t i;

    (void)event;
    (void)context;
    while ((n = read(master_sig_pipe[0], buf, sizeof(buf))) > 0) {
        for (i = 0; i < n; i++) {
            switch (buf[i]) {
            case SIGCHLD:
                got_chld = 1;
                break;
            case SIGHUP:
                master_config_reload();
                break;
            case SIGTERM:
            case SIGINT:
                msg_info("terminating on signal %d", buf[i]);
                master_kill_all(1);
                master_config_stop();
                break;
            case SIGQUIT:
                msg_info("aborting on signal %d", buf[i]);
                master_kill_all(0);
                master_config_stop();
                break;
            }
        }
    }
    if (got_chld)
        master_reap();
}

/* master_sig_init - install the handlers and the self-pipe */
void
master_sig_init(void)
{
    static const int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCHLD, 0};
    struct sigaction action;
    int i;

    if (pipe2(master_sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        msg_fatal("pipe: %m");
    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    action.sa_handler = master_sig_handler;
    for (i = 0; sigs[i]; i++)
        if (sigaction(sigs[i], &action, (struct sigaction *)0) < 0)
            msg_fatal("sigaction %d: %m", sigs[i]);
    signal(SIGPIPE, SIG_IGN);
    event_enable_read(master_sig_pipe[0], master_sig_event, (void *)0);
}
