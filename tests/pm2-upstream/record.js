#!/usr/bin/env node
// record.js PM2_DIR FIXTURE_DIR OUT: PM2's own reading of each process file under
// FIXTURE_DIR, as `pm2 start FILE` reads it before starting anything:
// Common.parseConfig, the apps/pm2/top-level layout of API._startJson, and
// Common.verifyConfs (aliases, names, bash -c for command lines, units).
// Writes OUT, one JSON object keyed by the file's path relative to FIXTURE_DIR
// (a file, not stdout: what a process file or PM2 spawns may print there).
// Run by record.sh; the output is committed as pm2-reading.json.
'use strict';
const fs = require('fs');
const path = require('path');

const pm2dir = path.resolve(process.argv[2]);
const root = path.resolve(process.argv[3]);
const out = path.resolve(process.argv[4]);
console.log = console.error;		// PM2's own messages go to stderr
const Common = require(path.join(pm2dir, 'lib', 'Common.js'));

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

// What PM2 hands a process: strings; objects and lists as their JSON text.
function envStrings(env) {
  const out = {};
  for (const [k, v] of Object.entries(env || {})) {
    if (v === undefined || v === null || typeof v === 'function') continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

const keep = ['kill_timeout', 'min_uptime', 'restart_delay', 'listen_timeout',
  'exp_backoff_restart_delay', 'max_memory_restart', 'max_restarts', 'cron_restart',
  'instances', 'autorestart', 'wait_ready', 'cwd', 'interpreter', 'exec_interpreter'];

function app(a) {
  const command = a.script === 'bash' && Array.isArray(a.args) && a.args[0] === '-c';
  const o = { name: a.name, script: command ? a.args[1] : a.script,
    command_line: command, env: envStrings(a.env) };
  for (const k of keep)
    if (a[k] !== undefined) o[k] = a[k];
  return o;
}

function read(file) {
  const kind = Common.isConfigFile(path.basename(file));
  if (!kind)
    return { pm2: 'not a process file (PM2 would run it as a script)' };
  let config;
  try {
    process.chdir(path.dirname(file));
    config = Common.parseConfig(fs.readFileSync(file), file);
  } catch (e) {
    return { error: 'malformated: ' + String(e.message || e).split('\n')[0] };
  }
  let apps = config && config.apps ? config.apps : config && config.pm2 ? config.pm2 : config;
  if (!Array.isArray(apps)) apps = [apps];
  let verified;
  try {
    verified = Common.verifyConfs(apps);
  } catch (e) {
    return { error: String(e.message || e).split('\n')[0] };
  }
  if (verified instanceof Error)
    return { error: String(verified.message).split('\n')[0] };
  if (verified.length === 0 || verified.some((a) => !a.script))
    return { error: 'No script path' };
  return { apps: verified.map(app) };
}

const result = {};
for (const f of files(root).sort()) {
  const rel = path.relative(root, f);
  if (/(^|\/)(pm2-reading\.json|README\.md|LICENSE[^/]*|record\.(js|sh))$/.test(rel)) continue;
  result[rel] = read(f);
}
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
