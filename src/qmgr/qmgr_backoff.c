/*
 * qmgr_backoff - retry timing and queue lifetime decisions of qmgr.
 *
 * These are the pure rules that qmgr_active applies when a delivery attempt
 * leaves recipients deferred; see qmgr_backoff.h for the contract. Kept
 * apart from the queue handling so that the unit tests can drive them with
 * tables of times.
 */
#include "sys_defs.h"

#include "qmgr_backoff.h"

/* qmgr_backoff_delay - seconds until the next attempt, clamped */
int
qmgr_backoff_delay(time_t now, time_t arrival, int min_delay, int max_delay)
{
    time_t age = now - arrival;

    if (max_delay < min_delay)
        max_delay = min_delay;
    if (age < 0)
        age = 0;
    if (age < min_delay)
        return min_delay;
    if (age > max_delay)
        return max_delay;
    return (int)age;
}

/* qmgr_backoff_expired - has the message outlived its queue lifetime? */
int
qmgr_backoff_expired(time_t now, time_t arrival, int lifetime)
{
    if (lifetime <= 0)
        return 1;
    return now - arrival > (time_t)lifetime;
}

/* qmgr_backoff_lifetime - the lifetime that applies to this sender */
int
qmgr_backoff_lifetime(const char *sender, int max_queue, int bounce_queue)
{
    return (sender == 0 || *sender == 0) ? bounce_queue : max_queue;
}
