/*
 * dashboard.h: the self-contained page served at GET / (inline CSS and JS,
 * no external asset). It polls /api/apps and, per app,
 * /api/apps/NAME/samples?since=MS every few seconds and draws:
 *   table#apps, one tr.app-row[data-app=NAME] an app
 *     (td.name, .state, .pid, .uptime, .restarts, .procs, .cpu, .memory)
 *   div.app-charts[data-app=NAME] holding svg.chart.chart-procs and
 *     svg.chart.chart-memory (inline SVG, drawn by the page's JS)
 */
#ifndef CSUP_DASHBOARD_H
#define CSUP_DASHBOARD_H

#include <stddef.h>

/* Static storage; *len set when len is not NULL. */
const char *dashboard_html(size_t *len);

#endif
