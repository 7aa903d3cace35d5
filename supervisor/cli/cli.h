/*
 * cli.h: the client: commands, the socket's client side, what it prints.
 */
#ifndef CSUP_CLI_H
#define CSUP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "paths.h"

/* client.c */
/* A connected socket (starting the daemon when autostart), or -1 after printing why. */
int	 client_connect(const struct paths *p, bool autostart);
/* Sends req (stolen) and reads one reply; NULL after printing why. */
json_t	*client_call(int fd, json_t *req);
json_t	*client_request(bool autostart, json_t *req);

/* daemon_exec.c: exec csupd with args (NULL-terminated); -1 with errno if it cannot. */
int	 client_daemon_exec(char *const args[]);

/* cli_run.c: `csup run FILE`: reads FILE, then execs `csupd run` with its apps. */
int	 cli_run_main(int argc, char **argv);

/* client.c: `csup kill`: returns once the daemon process is gone. */
int	 cli_kill(void);

/* cli.c */
int	 cli_main(int argc, char **argv);

/* cli_show.c: the status table and describe, as people read them. */
int	 cli_table(json_t *apps);
int	 cli_describe(json_t *app);

/*
 * The parsed command line and the helpers the commands share (cli_opts.c,
 * cli.c, cli_pm2.c).
 */
struct opts {
	const char	*only;		/* --only A,B */
	const char	*env_name;	/* --env NAME */
	const char	*name;		/* -n/--name N */
	bool		 json;
	bool		 follow;
	bool		 update_env;
	bool		 no_start;
	bool		 help;
	bool		 raw, out, err, nostream;	/* logs */
	bool		 timestamp;			/* logs --timestamp [FMT] */
	const char	*timestamp_fmt;
	bool		 lines_set;
	long		 lines;
	int		 npos;
	char	       **pos;		/* positional arguments (argv's) */
	char	       **rest;		/* after "--" */
	json_t		*overrides;	/* start flags: PM2 field -> value */
};

struct cli_cmd {
	const char	*name;
	const char	*alias_of;	/* NULL, or the command this one is */
	int		(*fn)(const char *cmd, const struct opts *o);
	const char	*usage;		/* after "csup NAME " */
	const char	*summary;
	const char	*options;	/* the long options it takes, space separated */
};

/* cli_opts.c */
/* 0, or an exit code (2) after printing why; o->overrides is then NULL. */
int	 cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct opts *o);
void	 cli_opts_free(struct opts *o);
void	 cli_help(const struct cli_cmd *cmd, FILE *f);
int	 cli_usage_error(const char *cmd, const char *msg);
/* An ecosystem file argument (by its extension). */
bool	 cli_is_file(const char *arg);

/* cli.c */
const struct cli_cmd *cli_find(const char *name);
void	 cli_usage_all(FILE *f);
json_t	*cli_env_json(void);
/* Prints what happened to each app; returns the exit code. */
int	 cli_results(json_t *reply);
int	 cli_act_and_show(json_t *req);
/* The file's apps (resolved) as JSON, or NULL after printing why. */
json_t	*cli_load_file(const char *file, const struct opts *o, bool strict_only);
/*
 * The targets of o->pos[from...] as a JSON list: names, ids, groups, `all`;
 * a FILE becomes the names of its apps. NULL after printing why.
 */
json_t	*cli_targets(const struct opts *o, int from);
/* `select`: the status objects of the targets (full: describe's). */
json_t	*cli_select(json_t *targets, bool full);

/* cli_pm2.c: the commands PM2 users type. */
int	 cli_save(const char *cmd, const struct opts *o);
int	 cli_flush(const char *cmd, const struct opts *o);
int	 cli_reset(const char *cmd, const struct opts *o);
int	 cli_signal(const char *cmd, const struct opts *o);
int	 cli_scale(const char *cmd, const struct opts *o);
int	 cli_jlist(const char *cmd, const struct opts *o);
int	 cli_pid(const char *cmd, const struct opts *o);
int	 cli_env(const char *cmd, const struct opts *o);
int	 cli_init(const char *cmd, const struct opts *o);
int	 cli_start_or(const char *cmd, const struct opts *o);


/* cli_logs.c: the last lines of the log files, then follow them. */
int	 cli_logs(json_t *files, const struct opts *o);

#endif
