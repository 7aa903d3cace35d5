#!/usr/bin/env python3
"""runtime.py: one run of a container-style supervisor in the foreground
(`csup run FILE` or `pm2-runtime FILE`) with the two demo services, measured:

  online_ms   from the supervisor's start until both services answer
              (GET /health of mem-worker, a TCP connect to mem-search)
  rss_kb      RSS of the supervisor process 1.5 s later (csup: the daemon
              alone; helpers_kb adds its loggers; pm2-runtime has none)
  uss_kb      private memory (USS) of the supervisor and its helpers
  exit_ms     from SIGTERM until the supervisor process has exited
  left        processes of this run (BENCH_RUNTIME_MARK in their
              environment) still alive once it exited; then killed

  runtime.py TOOL_NAME TIMEOUT_S -- COMMAND...
Prints one JSON object. The environment carries WORKER_PORT, SEARCH_PORT
and BENCH_RUNTIME_MARK (a unique value), which the ecosystem files use.
Exit 0 when measured, 1 when the services never came up or it never exited.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def now_ms():
    return time.monotonic() * 1000.0


def worker_up(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=0.5) as r:
            return r.status == 200
    except OSError:
        return False


def search_up(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def rss_kb(pid):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def marked(mark):
    """Pids whose environment holds the run's marker (children inherit it)."""
    needle = ("BENCH_RUNTIME_MARK=%s" % mark).encode()
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            if needle in open("/proc/%s/environ" % p, "rb").read().split(b"\0"):
                stat = open("/proc/%s/stat" % p).read()
                if stat[stat.rindex(")") + 2] != "Z":
                    out.append(int(p))
        except OSError:
            continue
    return out


def uss_kb(pid):
    """Private (unshared) memory: what this process alone costs, whatever
    else runs on the machine (PSS of node varies with other node processes)."""
    total = 0
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    except OSError:
        pass
    return total


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def main():
    tool, limit = sys.argv[1], float(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    mark = os.environ["BENCH_RUNTIME_MARK"]
    wport, sport = int(os.environ["WORKER_PORT"]), int(os.environ["SEARCH_PORT"])
    res = {"tool": tool}
    log = open(os.environ.get("BENCH_RUNTIME_LOG", os.devnull), "ab")
    t0 = now_ms()
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    try:
        while not (worker_up(wport) and search_up(sport)):
            if now_ms() - t0 > limit * 1000 or proc.poll() is not None:
                res["error"] = "the services did not come up"
                raise RuntimeError
            time.sleep(0.005)
        res["online_ms"] = round(now_ms() - t0, 1)
        time.sleep(1.5)  # let the supervisor settle: a measuring delay
        res["rss_kb"] = rss_kb(proc.pid)
        helpers = [c for c in children(proc.pid)
                   if open("/proc/%d/comm" % c).read().strip() == "csup-logger"]
        res["helpers_kb"] = res["rss_kb"] + sum(rss_kb(c) for c in helpers)
        res["uss_kb"] = uss_kb(proc.pid) + sum(uss_kb(c) for c in helpers)
        t1 = now_ms()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            res["error"] = "still running %d s after SIGTERM" % limit
            raise RuntimeError
        res["exit_ms"] = round(now_ms() - t1, 1)
        res["exit_code"] = proc.returncode
        time.sleep(0.2)  # what the supervisor left: a measuring delay
        res["left"] = len(marked(mark))
    except RuntimeError:
        pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for p in marked(mark):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
    print(json.dumps(res))
    return 1 if "error" in res else 0


if __name__ == "__main__":
    sys.exit(main())
