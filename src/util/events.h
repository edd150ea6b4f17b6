/*
 * events - single-threaded event loop: descriptor readiness and timers.
 *
 * event_enable_read()/event_enable_write() register a callback for one
 * descriptor (replacing any earlier one for that fd and direction);
 * event_disable_readwrite() removes both. event_request_timer() schedules
 * callback(EVENT_TIME, context) after delay seconds, replacing an existing
 * timer with the same callback and context; event_cancel_timer() removes
 * it (returns 1 if one was pending). event_loop(delay) waits at most delay
 * seconds (delay < 0: until something happens) and runs every ready
 * callback once. A callback may add or remove registrations, its own
 * included. event_time() is the time of the last wakeup.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include "sys_defs.h"
#include <time.h>

#define EVENT_READ (1 << 0)
#define EVENT_WRITE (1 << 1)
#define EVENT_XCPT (1 << 2)
#define EVENT_TIME (1 << 3)

typedef void (*EVENT_NOTIFY_FN)(int event, void *context);

extern void event_enable_read(int fd, EVENT_NOTIFY_FN callback, void *context);
extern void event_enable_write(int fd, EVENT_NOTIFY_FN callback, void *context);
extern void event_disable_readwrite(int fd);
extern time_t event_request_timer(EVENT_NOTIFY_FN callback, void *context, int delay);
extern int event_cancel_timer(EVENT_NOTIFY_FN callback, void *context);
extern void event_loop(int delay);
extern time_t event_time(void);

#endif
