/*
 * qmgr_backoff - when to try a deferred message again, and when to give up.
 *
 * qmgr_backoff_delay(now, arrival, min, max) returns the number of seconds
 * until the next delivery attempt of a message that arrived at `arrival`:
 * as long as the message has already waited, clamped to [min, max]. Since
 * the wait equals the age, the interval doubles with every attempt until it
 * reaches max. A clock that went backwards (arrival in the future) counts
 * as age 0; min > max is treated as min == max.
 *
 * qmgr_backoff_expired(now, arrival, lifetime) is true when a message that
 * arrived at `arrival` has been queued for longer than `lifetime` seconds;
 * a lifetime of 0 means "try once": always expired.
 *
 * qmgr_backoff_lifetime(sender, max_queue, bounce_queue) picks the lifetime
 * that applies: bounce_queue_lifetime for mail with the null sender (a
 * notification), maximal_queue_lifetime otherwise.
 *
 * Pure functions: no allocation, no diagnostics.
 */
#ifndef QMGR_BACKOFF_H
#define QMGR_BACKOFF_H

#include "sys_defs.h"
#include <time.h>

extern int qmgr_backoff_delay(time_t now, time_t arrival, int min_delay, int max_delay);
extern int qmgr_backoff_expired(time_t now, time_t arrival, int lifetime);
extern int qmgr_backoff_lifetime(const char *sender, int max_queue, int bounce_queue);

#endif
