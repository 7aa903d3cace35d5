/*
 * viewer.c: GET /, one self-contained page (no external script, style or
 * font) listing recent observations, updated live from /stream.
 */
#include "worker.h"

static const char page[] =
"<!doctype html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<title>claude-mem viewer</title>\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<style>\n"
"body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#222}\n"
"header{background:#222;color:#eee;padding:10px 16px;display:flex;gap:16px;align-items:center}\n"
"header h1{font-size:16px;margin:0}#state{font-size:12px;opacity:.8}\n"
"main{max-width:900px;margin:16px auto;padding:0 12px}\n"
".obs{background:#fff;border-left:4px solid #888;margin:8px 0;padding:8px 12px;border-radius:3px}\n"
".obs.change{border-color:#2a7}.obs.discovery{border-color:#47c}.obs.decision{border-color:#a62}\n"
".obs.bugfix{border-color:#c33}.obs.feature{border-color:#a3c}.obs.refactor{border-color:#999}\n"
".meta{font-size:12px;color:#666}.title{font-weight:600}.narr{margin-top:4px;white-space:pre-wrap}\n"
".new{animation:hl 2s}@keyframes hl{from{background:#ffc}to{background:#fff}}\n"
"</style></head><body>\n"
"<header><h1>claude-mem</h1><span id=\"state\">connecting...</span>\n"
"<span id=\"count\"></span></header>\n"
"<main id=\"list\"></main>\n"
"<script>\n"
"const list=document.getElementById('list'),state=document.getElementById('state');\n"
"const count=document.getElementById('count');let n=0;\n"
"function el(t,c,x){const e=document.createElement(t);if(c)e.className=c;if(x!=null)e.textContent=x;return e}\n"
"function show(o,fresh){const d=el('div','obs '+(o.type||'')+(fresh?' new':''));\n"
" d.appendChild(el('div','meta','#'+o.id+' \\u00b7 '+o.type+' \\u00b7 '+(o.project||'')+' \\u00b7 '+(o.created_at||'')));\n"
" d.appendChild(el('div','title',o.title||'(untitled)'));\n"
" if(o.subtitle)d.appendChild(el('div','meta',o.subtitle));\n"
" if(o.narrative)d.appendChild(el('div','narr',o.narrative));\n"
" if(fresh)list.insertBefore(d,list.firstChild);else list.appendChild(d);\n"
" count.textContent=(++n)+' shown'}\n"
"fetch('/api/observations?limit=50').then(r=>r.json()).then(j=>{(j.items||[]).forEach(o=>show(o,false))});\n"
"const es=new EventSource('/stream');\n"
"es.onopen=()=>{state.textContent='live'};es.onerror=()=>{state.textContent='reconnecting...'};\n"
"es.onmessage=(m)=>{let e;try{e=JSON.parse(m.data)}catch(x){return}\n"
" if(e.type==='new_observation'&&e.observation)show(e.observation,true)};\n"
"</script></body></html>\n";

const char *viewer_html(void)
{
	return page;
}
