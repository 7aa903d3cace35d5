# sd_notify.py TEXT: send TEXT to $NOTIFY_SOCKET as one datagram (the
# sd_notify protocol; "@name" is an abstract name), then wait for the
# receiver as sd_notify_barrier(3) and systemd-notify do: a second datagram
# BARRIER=1 carries a pipe's write end, and the receiver has read both once
# it closed that fd (EOF on the read end). Exit 0, or 1 past 60 s.
#
# The wait is what makes a short-lived sender count: a supervisor checks that
# a datagram's sender is a process of the app from the sender's pid, which it
# cannot do once the sender has exited (systemd cannot either).
import array
import os
import select
import socket
import sys

addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(sys.argv[1].encode(), addr)
r, w = os.pipe()
s.sendmsg([b"BARRIER=1"],
          [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))], 0, addr)
os.close(w)
ready, _, _ = select.select([r], [], [], 60)
sys.exit(0 if ready and os.read(r, 1) == b"" else 1)
