#!/usr/bin/env python3
"""Compare `csup check --json` output (stdin) with a fixture's .expect file.

The .expect file is a JSON list of apps (the count must match), or
{"count": EXPR, "apps": [...]} where EXPR may use ncpu. Each expected app is
found by name and each of its keys must equal the actual value. @DIR@ is the
fixture's folder, @HOME@ $HOME, and "@NCPU@" the number of CPUs.
"""
import json
import os
import sys


def subst(v, d, home, ncpu):
    if isinstance(v, str):
        if v == "@NCPU@":
            return ncpu
        return v.replace("@DIR@", d).replace("@HOME@", home)
    if isinstance(v, list):
        return [subst(x, d, home, ncpu) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, d, home, ncpu) for k, x in v.items()}
    return v


def main():
    expect_path, fixture_dir = sys.argv[1], os.path.realpath(sys.argv[2])
    ncpu = os.cpu_count()
    with open(expect_path) as f:
        want = json.load(f)
    got = json.load(sys.stdin)
    if isinstance(want, dict):
        count = eval(want["count"], {}, {"ncpu": ncpu})
        want = want["apps"]
    else:
        count = len(want)
    want = subst(want, fixture_dir, os.environ["HOME"], ncpu)
    errors = []
    if len(got) != count:
        errors.append("%d apps, want %d: %s" % (len(got), count, [a["name"] for a in got]))
    by_name = {a["name"]: a for a in got}
    for w in want:
        a = by_name.get(w["name"])
        if a is None:
            errors.append("no app %r" % w["name"])
            continue
        for k, v in w.items():
            if a.get(k) != v:
                errors.append("%s.%s = %r, want %r" % (w["name"], k, a.get(k), v))
    for e in errors:
        print(expect_path + ": " + e)
    sys.exit(1 if errors else 0)


main()
