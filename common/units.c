/* units.c: parsing and formatting of durations, sizes and signal names. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>		/* isfinite: a macro, no libm */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *suffix;
	double factor;
};

static const struct unit duration_units[] = {
	{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
	{ "h", 3600000 }, { "d", 86400000 }, { NULL, 0 },
};

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024.0 }, { "kb", 1024.0 },
	{ "m", 1048576.0 }, { "mb", 1048576.0 },
	{ "g", 1073741824.0 }, { "gb", 1073741824.0 },
	{ "t", 1099511627776.0 }, { "tb", 1099511627776.0 },
	{ NULL, 0 },
};

/* A non-negative decimal number followed by one of the table's suffixes. */
static int parse_with_units(const char *s, const struct unit *units, int64_t *out)
{
	char *end;
	double v;
	size_t i;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	/* strtod also takes hex and exponents: only digits and one '.' are ours */
	if (errno != 0 || end == s || !isfinite(v) || v < 0 ||
	    strspn(s, "0123456789.") != (size_t)(end - s))
		return -1;
	while (*end == ' ')
		end++;
	for (i = 0; units[i].suffix != NULL; i++) {
		size_t n = strlen(units[i].suffix);
		if (strncasecmp(end, units[i].suffix, n) != 0)
			continue;
		const char *rest = end + n;
		while (isspace((unsigned char)*rest))
			rest++;
		if (*rest != '\0')
			continue;
		v *= units[i].factor;
		if (v > 9.2e18)
			return -1;
		*out = units_round(v);
		return 0;
	}
	return -1;
}

int units_parse_duration(const char *s, int64_t *ms)
{
	return parse_with_units(s, duration_units, ms);
}

int units_parse_size(const char *s, int64_t *bytes)
{
	return parse_with_units(s, size_units, bytes);
}

char *units_format_uptime(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	return buf;
}

char *units_format_size(int64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "BKMGT";
	double v = (double)bytes;
	int i = 0;

	while (v >= 1024.0 && i < 4) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%lldB", (long long)bytes);
	else if (v < 10.0 || (v < 100.0 && units_round(v * 10) % 10 != 0))
		snprintf(buf, len, "%.1f%c", v, suffix[i]);	/* "1.0K", "12.4M", not "50.0M" */
	else
		snprintf(buf, len, "%.0f%c", v, suffix[i]);
	return buf;
}

struct signame {
	int sig;
	const char *name;
};

static const struct signame signames[] = {
	{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" }, { SIGPWR, "SIGPWR" }, { SIGSYS, "SIGSYS" },
	{ 0, NULL },
};

int units_signal_parse(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return -1;
	if (isdigit((unsigned char)*s)) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end != '\0' || v <= 0 || v >= NSIG)
			return -1;
		return (int)v;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; signames[i].name != NULL; i++)
		if (strcasecmp(s, signames[i].name + 3) == 0)
			return signames[i].sig;
	return -1;
}

const char *units_signal_name(int sig)
{
	size_t i;

	for (i = 0; signames[i].name != NULL; i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return "SIG?";
}

int64_t units_round(double v)
{
	int64_t r = (int64_t)v;		/* toward zero */
	double frac = v - (double)r;	/* exact: |v| < 2^63 */

	if (frac >= 0.5)
		r++;
	else if (frac <= -0.5)
		r--;
	return r;
}
