/*
 * draw.c: the screen, redrawn whole each time (curses sends only what
 * changed). Every string is clipped to its column and to the screen's
 * width, so nothing ever wraps. Colour only when the terminal has it and
 * NO_COLOR is unset; selection and headers use attributes, not colour.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "monit.h"
#include "units.h"

enum { PAIR_OK = 1, PAIR_BAD, PAIR_BUSY, PAIR_SPARK };

static const char *const heads[NCOLS] = {
	[COL_ID] = "id", [COL_NAME] = "name", [COL_STATE] = "state", [COL_PID] = "pid",
	[COL_UPTIME] = "uptime", [COL_RESTARTS] = "rst", [COL_PROCS] = "procs",
	[COL_PROCS_SPARK] = "", [COL_CPU] = "cpu", [COL_CPU_SPARK] = "",
	[COL_MEM] = "memory", [COL_MEM_SPARK] = "",
};
static const bool right[NCOLS] = {
	[COL_ID] = true, [COL_PID] = true, [COL_UPTIME] = true, [COL_RESTARTS] = true,
	[COL_PROCS] = true, [COL_CPU] = true, [COL_MEM] = true,
};

void draw_init_colours(struct ui *u)
{
	const char *nc = getenv("NO_COLOR");

	u->colour = (nc == NULL || nc[0] == '\0') && has_colors();
	if (!u->colour)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_BUSY, COLOR_YELLOW, -1);
	init_pair(PAIR_SPARK, COLOR_CYAN, -1);
}

static attr_t colour(const struct ui *u, int pair)
{
	return u->colour ? COLOR_PAIR(pair) : A_NORMAL;
}

/*
 * Puts s at (y, x) in at most w columns (and never past the screen's
 * edge): control characters become '?', a longer text ends in '~'.
 */
static void put(int y, int x, int w, const char *s, bool align_right)
{
	wchar_t ws[1024];
	size_t n = 0;
	int cols = 0, cw, pad;
	mbstate_t st;

	if (x >= COLS || w <= 0)
		return;
	if (w > COLS - x)
		w = COLS - x;
	memset(&st, 0, sizeof(st));
	while (*s && n < sizeof(ws) / sizeof(ws[0]) - 1) {
		size_t k = mbrtowc(&ws[n], s, strlen(s), &st);

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			ws[n] = L'?';
			k = 1;
			memset(&st, 0, sizeof(st));
		}
		if (ws[n] == L'\t')
			ws[n] = L' ';
		if ((cw = wcwidth(ws[n])) < 0) {
			ws[n] = L'?';
			cw = 1;
		}
		if (cols + cw > w) {
			if (n > 0 && w >= 2) {
				cols -= wcwidth(ws[n - 1]) > 0 ? wcwidth(ws[n - 1]) : 1;
				ws[n - 1] = L'~';
				cols += 1;
			}
			break;
		}
		cols += cw;
		n++;
		s += k;
	}
	ws[n] = L'\0';
	pad = align_right ? w - cols : 0;
	mvaddnwstr(y, x + pad, ws, (int)n);
}

static void cell(const struct layout *l, int y, enum col c, const char *s)
{
	if (l->w[c] > 0)
		put(y, l->x[c], l->w[c], s, right[c]);
}

static int state_pair(const char *state)
{
	if (strcmp(state, "online") == 0)
		return PAIR_OK;
	if (strcmp(state, "errored") == 0)
		return PAIR_BAD;
	return PAIR_BUSY;
}

static void spark(const struct ui *u, const struct layout *l, int y, enum col c,
    const struct row *r, enum spark_field f, int64_t now)
{
	static const char *const utf8[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.-~=+*#";
	int lv[64], w = l->w[c] < 64 ? l->w[c] : 64;
	char buf[64 * 3 + 1];
	size_t k = 0;

	if (w <= 0)
		return;
	spark_levels(r->s, r->ns, f, now, MONIT_WINDOW_MS, w, lv);
	for (int i = 0; i < w; i++) {
		if (lv[i] < 0)
			buf[k++] = ' ';
		else if (u->utf8) {
			memcpy(buf + k, utf8[lv[i]], 3);
			k += 3;
		} else
			buf[k++] = ascii[lv[i]];
	}
	buf[k] = '\0';
	attron(colour(u, PAIR_SPARK));
	put(y, l->x[c], w, buf, false);
	attroff(colour(u, PAIR_SPARK));
}

static void draw_row(const struct ui *u, const struct layout *l, int y,
    const struct row *r, bool selected, int64_t now)
{
	char b[64];
	attr_t base = selected ? A_REVERSE : A_NORMAL;

	attrset(base);
	if (selected)
		mvhline(y, 0, ' ', COLS);
	snprintf(b, sizeof(b), "%lld", r->id);
	cell(l, y, COL_ID, r->id >= 0 ? b : "");
	cell(l, y, COL_NAME, r->name);
	attron(colour(u, state_pair(r->state)) | (strcmp(r->state, "stopped") == 0 ? A_DIM : 0));
	cell(l, y, COL_STATE, r->state);
	attrset(base);
	snprintf(b, sizeof(b), "%d", r->pid);
	cell(l, y, COL_PID, r->pid > 0 ? b : "-");
	cell(l, y, COL_UPTIME, r->pid > 0 ? units_format_uptime(r->uptime_ms, b, sizeof(b)) : "-");
	snprintf(b, sizeof(b), "%d", r->restarts);
	cell(l, y, COL_RESTARTS, b);
	snprintf(b, sizeof(b), "%d", r->procs);
	cell(l, y, COL_PROCS, b);
	snprintf(b, sizeof(b), "%.1f%%", r->cpu);
	cell(l, y, COL_CPU, b);
	cell(l, y, COL_MEM, units_format_size(r->mem, b, sizeof(b)));
	spark(u, l, y, COL_PROCS_SPARK, r, SPARK_PROCS, now);
	spark(u, l, y, COL_CPU_SPARK, r, SPARK_CPU, now);
	spark(u, l, y, COL_MEM_SPARK, r, SPARK_MEM, now);
	attrset(A_NORMAL);
}

static void draw_title(const struct ui *u, const struct model *m)
{
	char b[PATH_MAX + 128];

	attrset(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	snprintf(b, sizeof(b), " csup monit  %zu app%s  %s%s", m->n, m->n == 1 ? "" : "s",
	    u->connected ? "" : "[daemon not answering]  ", u->home);
	put(0, 0, COLS, b, false);
	attrset(A_NORMAL);
}

static void draw_heads(const struct ui *u, const struct layout *l)
{
	attrset(A_BOLD);
	for (int c = 0; c < NCOLS; c++) {
		const char *h = heads[c];

		if (c == COL_RESTARTS && u->utf8)
			h = "↺";
		else if (c == COL_PROCS_SPARK || c == COL_CPU_SPARK || c == COL_MEM_SPARK)
			h = l->w[c] >= 7 ? "last 5m" : "";
		cell(l, 1, c, h);
	}
	attrset(A_NORMAL);
}

static void draw_logs(const struct ui *u, const struct logtail *t, const char *app,
    int y0, int h)
{
	char b[MONIT_NAME_MAX + 32];
	const char *s;
	bool err;
	int y;

	attrset(A_BOLD);
	mvhline(y0, 0, u->utf8 ? ACS_HLINE : '-', COLS);
	snprintf(b, sizeof(b), " logs: %s ", app ? app : "(no app)");
	put(y0, 2, COLS - 2, b, false);
	attrset(A_NORMAL);
	for (y = y0 + h; y > y0; y--) {
		if ((s = logtail_line(t, (size_t)(y0 + h - y), &err)) == NULL)
			break;
		if (err)
			attron(colour(u, PAIR_BAD));
		put(y, 0, COLS, s, false);
		attrset(A_NORMAL);
	}
}

static void draw_footer(const struct ui *u)
{
	const char *keys = u->utf8 ?
	    " ↑↓/jk select  r restart  s stop/start  l logs  q quit" :
	    " up/down/jk select  r restart  s stop/start  l logs  q quit";
	int n = (int)strlen(u->msg), k = u->utf8 ? 53 : 59, x;

	attrset(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	/* The outcome of the last action wins over the key help when both do not fit. */
	x = COLS - n - 1 > k + 2 ? COLS - n - 1 : k + 2;
	if (n > 0 && x + 8 > COLS)
		x = 0;
	put(LINES - 1, 0, n > 0 ? x - 1 : COLS, keys, false);
	if (n > 0)
		put(LINES - 1, x, COLS - x, u->msg, false);
	attrset(A_NORMAL);
}

void draw_screen(struct ui *u, const struct model *m, const struct logtail *t,
    const char *log_app)
{
	int avail = LINES - 3, tbl = avail, logs_h = 0;
	int64_t now = monit_wall_ms();
	struct layout l;

	erase();
	if (avail < 1) {
		put(0, 0, COLS, "csup monit: terminal too small", false);
		refresh();
		return;
	}
	if (u->logs_on && avail >= 4) {
		tbl = (int)m->n <= avail / 2 ? (int)m->n : avail / 2;
		tbl = tbl < 1 ? 1 : tbl;
		logs_h = avail - tbl - 1;
	}
	if (u->sel < u->top)
		u->top = u->sel;
	if (u->sel >= u->top + (size_t)tbl)
		u->top = u->sel - (size_t)tbl + 1;
	layout_fit(&l, COLS, (int)model_name_width(m), m->has_id);
	draw_title(u, m);
	draw_heads(u, &l);
	for (int i = 0; i < tbl && u->top + (size_t)i < m->n; i++)
		draw_row(u, &l, 2 + i, &m->rows[u->top + (size_t)i], u->top + (size_t)i == u->sel,
		    now);
	if (m->n == 0)
		put(2, 1, COLS - 1, u->connected ? "no apps: start some with csup start" :
		    "no daemon answers: csup ping starts one; q quits", false);
	if (logs_h > 0)
		draw_logs(u, t, log_app, 2 + tbl, logs_h);
	draw_footer(u);
	refresh();
}
