/*
 * qmgr_control - qmgr's main loop pieces: start-up, trigger requests,
 * timers, and the work done before each wait of the event loop.
 *
 * qmgr_control_init() recovers active/, warns about unsupported
 * configuration, and schedules the first incoming and deferred scans (and
 * a deferred scan every $queue_run_delay after that).
 * qmgr_control_trigger(buf, len) handles the bytes of one trigger request:
 * 'I' scan incoming, 'D' scan deferred, 'A' the next deferred scan ignores
 * time stamps, 'F' forget dead transports, 'W' scan incoming and, when a
 * deferred scan is due, deferred. Unknown bytes are ignored.
 * qmgr_control_loop() takes messages from the scans while the active queue
 * has room ($qmgr_message_active_limit), a bounded number per call, starts
 * every delivery that the concurrency limits allow, and returns the
 * longest wait for the event loop: 0 while scan work remains, else -1.
 */
#ifndef QMGR_CONTROL_H
#define QMGR_CONTROL_H

#include "sys_defs.h"

extern void qmgr_control_init(void);
extern void qmgr_control_trigger(const char *buf, ssize_t len);
extern int qmgr_control_loop(void);

#endif
