/*
 * A deadline per connection: every request must arrive and be answered
 * within connection_timeout_s, counted from the connection's start or
 * the end of its previous request. MHD's own timeout only counts
 * inactivity, so a client sending a byte now and then (slowloris) would
 * keep a connection, and with enough of them every slot, for ever. A
 * thread shuts down the sockets of late connections; MHD then closes
 * them as if the client had. Nothing here reads or writes the sockets.
 */
#ifndef SEARCHD_DEADLINE_H
#define SEARCHD_DEADLINE_H

#include "err.h"

struct deadline;
struct deadline_conn;

/* Starts the watching thread; timeout_s must be at least 1. */
int deadline_new(unsigned timeout_s, struct deadline **out, struct err *e);

/* Stops the thread and frees d. Connections still tracked are left
 * alone (MHD closes them itself when it stops). NULL is ignored. */
void deadline_free(struct deadline *d);

/* Tracks a new connection's socket from now; NULL when out of memory,
 * and the connection then has only MHD's inactivity timeout. */
struct deadline_conn *deadline_add(struct deadline *d, int fd);

/* A request on c was answered: the next one gets a full period. */
void deadline_restart(struct deadline *d, struct deadline_conn *c);

/* Stops tracking c, before its socket is closed, and frees it. */
void deadline_remove(struct deadline *d, struct deadline_conn *c);

#endif
