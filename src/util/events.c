/*
 * events - a single-threaded event loop over poll(2): descriptor readiness
 * callbacks and one-shot timers.
 *
 * Use: register callbacks with event_enable_read()/event_enable_write() and
 * event_request_timer(), then call event_loop() repeatedly. Each round waits
 * at most the given delay (or until the next timer), then runs every timer
 * that is due (earliest first) and then every descriptor callback whose
 * descriptor is ready. Callbacks may add and remove registrations freely,
 * their own included: a registration removed during a round is not called
 * later in that round, and a timer added during a round runs in a later
 * round at the earliest.
 *
 * Memory: the loop owns its tables; contexts belong to the callers.
 *
 * Diagnostics: a negative descriptor or a failing poll(2) other than EINTR
 * is a broken invariant (msg_panic / msg_fatal). An error or hangup on a
 * descriptor is passed to its read (or write) callback as EVENT_XCPT.
 */
#include "sys_defs.h"

#include <poll.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "msg.h"
#include "mymalloc.h"

/* One descriptor: its read and write callbacks. */
typedef struct EVENT_FD {
    EVENT_NOTIFY_FN read_fn;
    void *read_ctx;
    EVENT_NOTIFY_FN write_fn;
    void *write_ctx;
} EVENT_FD;

/* One timer, in a list sorted by expiry, then by request order. */
typedef struct EVENT_TIMER {
    time_t when;
    unsigned long serial;
    EVENT_NOTIFY_FN callback;
    void *context;
    struct EVENT_TIMER *next;
} EVENT_TIMER;

static EVENT_FD *event_fds;
static int event_fd_slots;
static EVENT_TIMER *event_timers;
static unsigned long event_serial;
static time_t event_present;

/* event_fd_slot - the table entry for fd, growing the table as needed */
static EVENT_FD *
event_fd_slot(int fd)
{
    int new_slots;

    if (fd < 0)
        msg_panic("event_fd_slot: bad descriptor %d", fd);
    if (fd >= event_fd_slots) {
        new_slots = event_fd_slots ? event_fd_slots : 16;
        while (new_slots <= fd)
            new_slots *= 2;
        event_fds = myrealloc(event_fds, sizeof(*event_fds) * (size_t)new_slots);
        memset(event_fds + event_fd_slots, 0,
               sizeof(*event_fds) * (size_t)(new_slots - event_fd_slots));
        event_fd_slots = new_slots;
    }
    return (event_fds + fd);
}

/* event_now - refresh and return the loop's idea of the time */
static time_t
event_now(void)
{
    event_present = time((time_t *)0);
    return (event_present);
}

/* event_time - time of the last wakeup */
time_t
event_time(void)
{
    if (event_present == 0)
        (void)event_now();
    return (event_present);
}

/* event_enable_read - call callback when fd becomes readable */
void
event_enable_read(int fd, EVENT_NOTIFY_FN callback, void *context)
{
    EVENT_FD *ep = event_fd_slot(fd);

    ep->read_fn = callback;
    ep->read_ctx = context;
}

/* event_enable_write - call callback when fd becomes writable */
void
event_enable_write(int fd, EVENT_NOTIFY_FN callback, void *context)
{
    EVENT_FD *ep = event_fd_slot(fd);

    ep->write_fn = callback;
    ep->write_ctx = context;
}

/* event_disable_readwrite - forget both callbacks of fd */
void
event_disable_readwrite(int fd)
{
    EVENT_FD *ep;

    if (fd < 0)
        msg_panic("event_disable_readwrite: bad descriptor %d", fd);
    if (fd >= event_fd_slots)
        return;
    ep = event_fds + fd;
    memset(ep, 0, sizeof(*ep));
}

/* event_timer_unlink - remove a timer from the list; 1 if found */
static int
event_timer_unlink(EVENT_NOTIFY_FN callback, void *context)
{
    EVENT_TIMER **tpp;
    EVENT_TIMER *tp;

    for (tpp = &event_timers; (tp = *tpp) != 0; tpp = &tp->next) {
        if (tp->callback == callback && tp->context == context) {
            *tpp = tp->next;
            myfree(tp);
            return (1);
        }
    }
    return (0);
}

/* event_request_timer - schedule callback after delay seconds */
time_t
event_request_timer(EVENT_NOTIFY_FN callback, void *context, int delay)
{
    EVENT_TIMER **tpp;
    EVENT_TIMER *tp;

    if (delay < 0)
        msg_panic("event_request_timer: bad delay %d", delay);
    (void)event_timer_unlink(callback, context);
    tp = (EVENT_TIMER *)mymalloc(sizeof(*tp));
    tp->when = event_now() + delay;
    tp->serial = ++event_serial;
    tp->callback = callback;
    tp->context = context;
    for (tpp = &event_timers; *tpp != 0 && (*tpp)->when <= tp->when; tpp = &(*tpp)->next)
        /* void */;
    tp->next = *tpp;
    *tpp = tp;
    return (tp->when);
}

/* event_cancel_timer - remove a pending timer; 1 if there was one */
int
event_cancel_timer(EVENT_NOTIFY_FN callback, void *context)
{
    return (event_timer_unlink(callback, context));
}

/* event_run_timers - run the timers that were due when the round began */
static void
event_run_timers(unsigned long serial_limit)
{
    EVENT_TIMER *tp;
    EVENT_NOTIFY_FN callback;
    void *context;

    /*
     * Take one due timer at a time from the list head: a callback may
     * change the list, so no pointer into it is kept across a call.
     * Timers requested during this round have a larger serial number.
     */
    for (;;) {
        for (tp = event_timers; tp != 0 && tp->when <= event_present; tp = tp->next)
            if (tp->serial <= serial_limit)
                break;
        if (tp == 0 || tp->when > event_present)
            return;
        callback = tp->callback;
        context = tp->context;
        (void)event_timer_unlink(callback, context);
        callback(EVENT_TIME, context);
    }
}

/* event_poll_set - build the poll(2) array from the registrations */
static int
event_poll_set(struct pollfd **fds, int *fds_size)
{
    int count = 0;
    int fd;

    if (*fds_size < event_fd_slots) {
        *fds = myrealloc(*fds, sizeof(**fds) * (size_t)event_fd_slots);
        *fds_size = event_fd_slots;
    }
    for (fd = 0; fd < event_fd_slots; fd++) {
        if (event_fds[fd].read_fn == 0 && event_fds[fd].write_fn == 0)
            continue;
        (*fds)[count].fd = fd;
        (*fds)[count].events =
            (short)((event_fds[fd].read_fn ? POLLIN : 0) | (event_fds[fd].write_fn ? POLLOUT : 0));
        (*fds)[count].revents = 0;
        count++;
    }
    return (count);
}

/* event_dispatch_fd - run the callbacks of one ready descriptor */
static void
event_dispatch_fd(struct pollfd *pfd)
{
    EVENT_FD *ep;
    int xcpt = (pfd->revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;

    /* Check the table again before each call: callbacks may change it. */
    ep = event_fds + pfd->fd;
    if (ep->read_fn && (pfd->revents & (POLLIN | POLLPRI) || (xcpt && (pfd->events & POLLIN))))
        ep->read_fn((pfd->revents & POLLIN) || !xcpt ? EVENT_READ : EVENT_XCPT, ep->read_ctx);
    ep = event_fds + pfd->fd;
    if (ep->write_fn && (pfd->revents & POLLOUT || (xcpt && !(pfd->events & POLLIN))))
        ep->write_fn((pfd->revents & POLLOUT) ? EVENT_WRITE : EVENT_XCPT, ep->write_ctx);
}

/* event_loop - wait at most delay seconds, then run what is ready */
void
event_loop(int delay)
{
    static struct pollfd *fds;
    static int fds_size;
    unsigned long serial_limit = event_serial;
    long long wait_ms;
    int count;
    int ready;
    int i;

    (void)event_now();
    if (event_timers != 0) {
        wait_ms = (long long)(event_timers->when - event_present) * 1000;
        if (wait_ms < 0)
            wait_ms = 0;
        if (delay >= 0 && wait_ms > (long long)delay * 1000)
            wait_ms = (long long)delay * 1000;
    } else {
        wait_ms = delay < 0 ? -1 : (long long)delay * 1000;
    }
    count = event_poll_set(&fds, &fds_size);
    if ((ready = poll(fds, (nfds_t)count, (int)wait_ms)) < 0) {
        if (errno != EINTR)
            msg_fatal("event_loop: poll: %m");
        ready = 0;
    }
    (void)event_now();
    event_run_timers(serial_limit);
    for (i = 0; ready > 0 && i < count; i++) {
        if (fds[i].revents == 0)
            continue;
        ready--;
        event_dispatch_fd(fds + i);
    }
}
