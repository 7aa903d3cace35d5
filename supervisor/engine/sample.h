/*
 * sample.h: what an app's processes cost, read from /proc/PID/stat
 * (proc_read() of proc.h: the one parser of that file).
 *
 * The daemon owns one struct sample_app per app (embed it in its struct
 * app), sample_app_init() it when the app is created, and every
 * $CSUP_SAMPLE_MS calls sample_take() with the pids of the app's current
 * generation (cgroup members, or the fallback's tracked set).
 *
 * CPU accounting is per pid: each process remembers its utime+stime from
 * the previous sample, so a child that exits does not make the figure dip
 * and a new child adds only its own time. A pid first seen that started
 * after the previous sample (or after sample_app_init) brings all its
 * ticks into the interval; one that started earlier (adopted after a
 * daemon restart, found late by the fallback scan) only sets its baseline.
 * A new generation number drops the remembered pids (pid reuse) but keeps
 * the time base, so a restart between two samples is accounted exactly.
 * Until a sample lists one of the generation's processes, the time base
 * stays where it was: a sample taken between the fork and the moment the
 * child joins its cgroup lists nothing, and must not make the child, once
 * listed, look like it started before the previous sample.
 *
 * Zombies (and dead 'X' entries) are not counted. Pids that vanished
 * between the listing and the read are skipped silently.
 *
 * Error convention: 0, or -1 with errno (only ENOMEM can happen).
 */
#ifndef CSUP_SAMPLE_H
#define CSUP_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the daemon keeps per app between two samples. */
struct sample_app {
	struct sample_pid	*pids;		/* sorted by pid; owned */
	size_t			 npids, cap;
	uint64_t		 generation;
	int64_t			 last_ns;	/* CLOCK_MONOTONIC of the previous sample */
	unsigned long long	 last_boot_ticks; /* CLOCK_BOOTTIME then, in ticks */
	unsigned long long	 ticks_total;	/* cumulated since sample_app_init */
	int			 seen;		/* a sample has listed a process of this generation */
};

/* One sample: what status, the store and the watchdog get. */
struct sample {
	int64_t		t_ms;		/* wall clock, Unix epoch ms */
	int		procs;		/* live (non-zombie) processes */
	int64_t		memory_bytes;	/* summed RSS */
	double		cpu_percent;	/* of one core, over the last interval */
	double		cpu_seconds;	/* cumulated CPU time (a Prometheus counter) */
};

void sample_app_init(struct sample_app *sa, uint64_t generation);
void sample_app_free(struct sample_app *sa);
/* Sample the n pids of this generation now; fills *out. */
int  sample_take(struct sample_app *sa, uint64_t generation,
	    const pid_t *pids, size_t n, struct sample *out);

#endif
