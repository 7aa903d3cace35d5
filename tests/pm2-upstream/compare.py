#!/usr/bin/env python3
"""compare.py CSUP FIXTURE_DIR: csup's reading of PM2's own process files
against PM2's reading of them (pm2-reading.json, made by record.sh).

A file PM2 loads must load in csup with the same apps (names), scripts,
environment and durations (the contract's yardstick). A file PM2 refuses is
reported: refused by both, or loaded by csup (PM2 checks bounds csup does not
have, such as min_uptime >= 100), which the contract allows.
Differences the contract makes on purpose are listed in contract-differs.json
with the reason; such a file must still differ (else the entry is stale).
Prints one line a file and a summary; exits 1 on any unexpected result.
"""
import json
import os
import subprocess
import sys

DURATIONS = ("kill_timeout", "min_uptime", "restart_delay", "listen_timeout",
             "exp_backoff_restart_delay")
NCPU = os.cpu_count()


def csup_reading(csup, path):
    env = dict(os.environ, HOME="/home/pm2user", USER="pm2user")
    env.pop("NODE_ENV", None)
    p = subprocess.run([csup, "check", "--json", path], capture_output=True, text=True,
                       env=env, timeout=60)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return json.loads(p.stdout), None


def copies(pm2_instances):
    n = 1 if pm2_instances is None else int(pm2_instances)
    if n == 0:
        return NCPU
    if n < 0:
        return max(1, NCPU + n)
    return n


def script_matches(want, app, fixture):
    got = app["script"]
    if got == want:
        return True
    # a directory script runs its main file: PM2 names the folder
    folder = os.path.normpath(os.path.join(app["cwd"], want))
    return os.path.isdir(folder) and got.startswith(folder + "/")


def compare_app(want, group, fixture):
    errs = []
    first = group[0]
    if not script_matches(want["script"], first, fixture):
        errs.append("script %r, PM2 %r" % (first["script"], want["script"]))
    if len(group) != copies(want.get("instances")):
        errs.append("%d copies, PM2 %s" % (len(group), want.get("instances")))
    for a in group:
        extra = {k: v for k, v in a["env"].items() if k != a["instance_var"]}
        if extra != want["env"]:
            errs.append("env %r, PM2 %r" % (extra, want["env"]))
            break
    for k in DURATIONS + ("max_memory_restart", "max_restarts"):
        if k in want and want[k] is not None and first[k] != want[k]:
            errs.append("%s %r, PM2 %r" % (k, first[k], want[k]))
    if want.get("cron_restart") and first["cron_restart"] != want["cron_restart"]:
        errs.append("cron_restart %r, PM2 %r" % (first["cron_restart"], want["cron_restart"]))
    if "autorestart" in want and first["autorestart"] != bool(want["autorestart"]):
        errs.append("autorestart %r, PM2 %r" % (first["autorestart"], want["autorestart"]))
    return errs


def compare(csup, fixture, rel, pm2):
    apps, err = csup_reading(csup, os.path.join(fixture, rel))
    if "error" in pm2:
        return []
    if apps is None:
        return ["csup refuses it: " + err]
    groups = {}
    for a in apps:
        groups.setdefault(a["group"], []).append(a)
    errs = []
    names = [w["name"].replace(" ", "-") for w in pm2["apps"]]
    if sorted(groups) != sorted(names):
        return ["apps %s, PM2 %s" % (sorted(groups), sorted(names))]
    for w, n in zip(pm2["apps"], names):
        errs += ["%s: %s" % (n, e) for e in compare_app(w, groups[n], fixture)]
    return errs


def main():
    csup, fixture = sys.argv[1], sys.argv[2]
    with open(os.path.join(fixture, "pm2-reading.json")) as f:
        reading = json.load(f)
    with open(os.path.join(os.path.dirname(__file__), "contract-differs.json")) as f:
        differs = json.load(f)
    counts = {"match": 0, "refused by both": 0, "refused by PM2 only": 0, "contract": 0,
              "not a process file": 0, "FAIL": 0}
    for rel, pm2 in sorted(reading.items()):
        if "pm2" in pm2:
            counts["not a process file"] += 1
            print("skip  %s: %s" % (rel, pm2["pm2"]))
            continue
        errs = compare(csup, fixture, rel, pm2)
        if rel in differs:
            if errs:
                counts["contract"] += 1
                print("contract %s: %s (%s)" % (rel, differs[rel], "; ".join(errs)))
            else:
                counts["FAIL"] += 1
                print("FAIL  %s: listed in contract-differs.json but matches" % rel)
        elif errs:
            counts["FAIL"] += 1
            print("FAIL  %s: %s" % (rel, "; ".join(errs)))
        else:
            key = "match"
            if "error" in pm2:
                refused = csup_reading(csup, os.path.join(fixture, rel))[0] is None
                key = "refused by both" if refused else "refused by PM2 only"
            counts[key] += 1
            print("ok    %s (%s)" % (rel, key))
    print("pm2-upstream: %d files: %s" % (len(reading), ", ".join(
        "%d %s" % (v, k) for k, v in counts.items())))
    sys.exit(1 if counts["FAIL"] else 0)


main()
