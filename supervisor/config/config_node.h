/*
 * config_node.h: private to the ecosystem parser. Both front ends (YAML
 * through libyaml, PM2's lenient .json) build one tree of these nodes, each
 * with its 1-based line and column, and the field walker reads only the tree.
 *
 * Error convention: functions returning int give 0, or -1 with ctx->err
 * filled (cfg_error). Warnings go through cfg_warn (config_load makes the
 * first of them, in file order, the error under --strict). Nodes live in ctx's arena and are freed together, so an alias
 * may share a node with its anchor.
 */
#ifndef CSUP_CONFIG_NODE_H
#define CSUP_CONFIG_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum node_kind { NODE_SCALAR, NODE_SEQ, NODE_MAP };

enum scalar_type { SCALAR_STR, SCALAR_INT, SCALAR_FLOAT, SCALAR_BOOL, SCALAR_NULL };

struct node {
	enum node_kind	  kind;
	enum scalar_type  type;		/* scalars only */
	int		  line, column;
	char		 *str;		/* scalar text, unescaped; "" for null */
	bool		  bval;		/* SCALAR_BOOL */
	/* seq: items[0..n); map: items[2i] key, items[2i+1] value */
	struct node	**items;
	size_t		  n, cap;
	struct node	 *arena_next;
};

struct cfg_ctx {
	const char			*path;	/* as given, for nothing but messages */
	const struct config_options	*opt;
	struct app_list			*list;	/* warnings are appended here */
	struct config_error		*err;
	struct node			*arena;
	bool				 json;	/* PM2 .json rules: a repeated key warns */
	/* A .js file: its source and the JSON node gave back (for positions in messages) */
	const char			*js_src, *js_json;
};

/* config_node.c */
int	 cfg_error(struct cfg_ctx *, int line, int column, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
int	 cfg_warn(struct cfg_ctx *, int line, int column, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
struct node *node_new(struct cfg_ctx *, enum node_kind, int line, int column);
struct node *node_scalar(struct cfg_ctx *, const char *s, size_t len,
	    enum scalar_type, int line, int column);
int	 node_push(struct cfg_ctx *, struct node *parent, struct node *child);
void	 node_free_all(struct cfg_ctx *);
/* The YAML 1.2 core schema's type of a plain (unquoted) scalar. */
enum scalar_type node_plain_type(const char *s);
const char *node_type_name(const struct node *);
/* Value of a map key, or NULL. */
struct node *node_get(const struct node *map, const char *key);

/* config_yaml.c: anchors, aliases and `<<` merges resolved; duplicates are errors. */
int	 config_yaml_parse(struct cfg_ctx *, const char *buf, size_t len, struct node **root);
/* config_json5.c: PM2's .json as JavaScript reads it; duplicates warn, last wins. */
int	 config_json5_parse(struct cfg_ctx *, const char *buf, size_t len, struct node **root);

/*
 * config_js.c: a .js/.cjs/.mjs file evaluated by node; *out (malloc'ed) is the
 * exported value as JSON, one key a line. config_js_remap moves a position
 * in that JSON to where its key is written in the JavaScript source.
 */
int	 config_js_eval(struct cfg_ctx *, const char *path, const char *dir, char **out,
	    size_t *len);
void	 config_js_remap(const char *js, const char *json, int *line, int *col);

/* config_field.c: typed field values; every error points at the value. */
int	 field_string(struct cfg_ctx *, const char *key, const struct node *, char **out);
/* A string; a leading ~/ is $HOME. */
int	 field_path(struct cfg_ctx *, const char *key, const struct node *, char **out);
/* A path, or NULL / /dev/null (PM2: no log file for that stream) as "/dev/null". */
int	 field_log_path(struct cfg_ctx *, const char *key, const struct node *, char **out);
/* s with a leading ~/ made $HOME/; malloc'ed, NULL when out of memory. */
char	*path_expand_home(const char *s);
int	 field_bool(struct cfg_ctx *, const char *key, const struct node *, bool *out);
int	 field_int(struct cfg_ctx *, const char *key, const struct node *, int *out);
int	 field_duration(struct cfg_ctx *, const char *key, const struct node *, int64_t *ms);
int	 field_size(struct cfg_ctx *, const char *key, const struct node *, int64_t *bytes);
int	 field_signal(struct cfg_ctx *, const char *key, const struct node *, int *sig);
int	 field_kill_mode(struct cfg_ctx *, const char *key, const struct node *,
	    enum kill_mode *);
/* A string or a list of strings, appended to *v. */
int	 field_strlist(struct cfg_ctx *, const char *key, const struct node *, char ***v);
/* A list, or a string split like a shell does (quotes honoured); replaces *v. */
int	 field_args(struct cfg_ctx *, const char *key, const struct node *, char ***v);
/* A node as JSON.stringify writes it; malloc'ed, NULL when out of memory. */
char	*node_json_text(const struct node *);
/* A mapping, stringified (objects and lists as JSON text) and merged into *env. */
int	 field_env(struct cfg_ctx *, const char *key, const struct node *, char ***env);
int	 field_health(struct cfg_ctx *, const char *key, const struct node *,
	    struct health_config *);
/* N; 0 or `max` = one a CPU; -N = CPUs minus N (PM2), at least 1. */
int	 field_instances(struct cfg_ctx *, const char *key, const struct node *, int *n);
int	 field_cron(struct cfg_ctx *, const char *key, const struct node *, char **text,
	    struct cron_expr *);
/* `limits:` {memory, memory_high, cpu, pids, nofile, core}; unknown keys are errors. */
int	 field_limits(struct cfg_ctx *, const char *key, const struct node *,
	    struct limits_config *);
/* config_limits_json.c: one of the keys of `limits:`. */
bool	 limits_key_known(const char *key);
/* The set limits as JSON (sizes in bytes, cpu in percent), and back: 0 or -1. */
json_t	*limits_config_json(const struct limits_config *);
int	 limits_config_from_json(json_t *, struct limits_config *);
/* A number, or null when unset; and back within [min, max]: 0 or -1. */
json_t	*opt_int_json(const struct opt_int *);
int	 opt_int_from_json(json_t *, int min, int max, struct opt_int *);
/* A whole number in [min, max], negative ones included. */
int	 field_opt_int(struct cfg_ctx *, const char *key, const struct node *, int min,
	    int max, struct opt_int *);

/* config_strv.c: NULL-terminated string vectors, shell splitting, edit distance. */
char   **strv_new(void);
size_t	 strv_len(char *const *v);
int	 strv_push(char ***v, const char *s);
char   **strv_dup(char *const *v);
void	 strv_free(char **v);
bool	 strv_equal(char *const *a, char *const *b);
/* Sets KEY to VALUE in a "KEY=VALUE" vector, in place when KEY is there. */
int	 env_set(char ***env, const char *key, const char *value);
/* 0, or -1 with a message in errbuf (unterminated quote). */
int	 shell_split(const char *s, char ***out, char *errbuf, size_t errlen);
/* s with a shell's quoting where it needs it; malloc'ed. */
char	*shell_quote(const char *s);
/* Optimal string alignment distance: a transposition counts one. */
int	 edit_distance(const char *a, const char *b);

/* config_dotenv.c: env_file, each file (relative to dir) read into *env, its path into *paths. */
int	 config_env_files(struct cfg_ctx *, const struct node *v, const char *dir,
	    char ***paths, char ***env);

/* config_resolve.c: defaults, paths, exec_argv, names, instance expansion. */
struct app_src {
	const struct node	*map;		/* the app's mapping */
	struct app_config	 app;		/* defaults, then the fields as written */
	const struct node	*name, *script, *watch, *env, *env_sel, *env_file;
	int			 instances;	/* after `max` */
};
/* base/p made absolute, with "." and ".." taken out lexically; malloc'ed. */
char	*config_path_join(const char *base, const char *p);
/* config_override.c: a command-line value as a node (line 0). */
struct node *config_override_node(struct cfg_ctx *, const json_t *val);
int	 config_resolve_app(struct cfg_ctx *, struct app_src *, const char *file_dir,
	    struct app_list *out);

#endif
