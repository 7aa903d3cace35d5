#!/usr/bin/env python3
"""hardening_client.py: misbehaving clients of the csup control socket.

  hardening_client.py SOCK random N SEED    N connections, each sends random bytes, then closes
  hardening_client.py SOCK huge             a length prefix far over the maximum; expects a close
  hardening_client.py SOCK half DIR         half a frame, then holds until DIR/release exists
  hardening_client.py SOCK idle DIR         connects, sends nothing, holds until DIR/release
  hardening_client.py SOCK many N DIR       N clients at once: N/2 idle, N/2 send a valid
                                            status request and must get a reply; then holds
                                            until DIR/release
  hardening_client.py SOCK slow             a valid request one byte at a time; expects a reply
  hardening_client.py SOCK call JSON        sends one request as it is; prints the reply
  hardening_client.py SOCK repeat N JSON    N connections in turn, each one request and its reply

The holding modes write DIR/ready once every connection is open. Exit 0 on
success; a message and exit 1 otherwise. Frames: 4-byte big-endian length,
then a JSON object (supervisor/shared/proto.c).
"""
import json
import os
import random
import socket
import struct
import sys
import time

DEADLINE_S = 60


def frame(obj):
    body = json.dumps(obj, separators=(",", ":")).encode()
    return struct.pack(">I", len(body)) + body


def connect(path):
    """Connect as a blocking client would: wait while the backlog is full."""
    end = time.time() + 20
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(20)
        try:
            s.connect(path)
            return s
        except BlockingIOError:     # EAGAIN: listen backlog full
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.005)


def read_reply(s):
    hdr = b""
    while len(hdr) < 4:
        chunk = s.recv(4 - len(hdr))
        if not chunk:
            raise RuntimeError("closed before a reply")
        hdr += chunk
    (n,) = struct.unpack(">I", hdr)
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            raise RuntimeError("closed mid-reply")
        body += chunk
    return json.loads(body)


def expect_close(s):
    """The daemon must close this client (EOF or reset), within 10 s."""
    s.settimeout(10)
    try:
        while True:
            if s.recv(65536) == b"":
                return
    except ConnectionResetError:
        return
    except socket.timeout:
        raise RuntimeError("the daemon kept a bad client open")


def hold(d):
    open(os.path.join(d, "ready"), "w").close()
    end = time.time() + DEADLINE_S
    while not os.path.exists(os.path.join(d, "release")):
        if time.time() > end:
            raise RuntimeError("never released")
        time.sleep(0.02)


def main():
    path, mode = sys.argv[1], sys.argv[2]
    if mode == "random":
        n, rng = int(sys.argv[3]), random.Random(int(sys.argv[4]))
        for _ in range(n):
            s = connect(path)
            try:
                s.sendall(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2048))))
            except (BrokenPipeError, ConnectionResetError):
                pass    # closed on us mid-write: fine
            s.close()
    elif mode == "huge":
        s = connect(path)
        s.sendall(struct.pack(">I", 0xFFFFFFF0) + b"{" * 64)
        expect_close(s)
        s = connect(path)
        s.sendall(struct.pack(">I", (8 << 20) + 1))   # one over PROTO_MAX_FRAME
        expect_close(s)
    elif mode == "half":
        d = sys.argv[3]
        f = frame({"cmd": "status"})
        s = connect(path)
        s.sendall(f[: len(f) // 2])
        hold(d)
        s.close()
    elif mode == "idle":
        d = sys.argv[3]
        s = connect(path)
        hold(d)
        s.close()
    elif mode == "many":
        n, d = int(sys.argv[3]), sys.argv[4]
        socks = [connect(path) for _ in range(n)]
        talkers = socks[: n // 2]
        for s in talkers:
            s.sendall(frame({"cmd": "status"}))
        for s in talkers:
            r = read_reply(s)
            if r.get("ok") is not True or not isinstance(r.get("apps"), list):
                raise RuntimeError("bad reply: %r" % r)
        hold(d)
        for s in socks:
            s.close()
    elif mode == "slow":
        s = connect(path)
        for b in frame({"cmd": "ping"}):
            s.sendall(bytes([b]))
            time.sleep(0.002)
        r = read_reply(s)
        if r.get("ok") is not True:
            raise RuntimeError("bad reply: %r" % r)
        s.close()
    elif mode == "call":
        s = connect(path)
        s.sendall(frame(json.loads(sys.argv[3])))
        print(json.dumps(read_reply(s)))
        s.close()
    elif mode == "repeat":
        n, req = int(sys.argv[3]), frame(json.loads(sys.argv[4]))
        for _ in range(n):
            s = connect(path)
            s.sendall(req)
            r = read_reply(s)
            if r.get("ok") is not True:
                raise RuntimeError("bad reply: %r" % r)
            s.close()
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - one line for the test's log
        print("hardening_client: %s" % e, file=sys.stderr)
        sys.exit(1)
