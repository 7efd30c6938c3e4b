#!/usr/bin/env python3
"""Stand in for systemd's notification socket (sd_notify(3), Type=notify).

Binds a unix datagram socket at PATH (the NOTIFY_SOCKET a service is given), and
writes one line per datagram to OUT:  msg <sender pid> <fields joined by '|'>.
When a datagram holds READY=1 it runs PROBE (a command, once) at that moment and
writes  probe <exit status>: so a test can tell whether the service already answered
when it said it was ready. Stops after STOPPING=1 or after --seconds.
Standard library only.
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("out")
    ap.add_argument("--seconds", type=float, default=150.0)
    ap.add_argument("probe", nargs=argparse.REMAINDER, help="-- command run on READY=1")
    args = ap.parse_args()
    probe = args.probe[1:] if args.probe[:1] == ["--"] else args.probe

    if os.path.exists(args.path):
        os.unlink(args.path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind(args.path)
    os.chmod(args.path, 0o600)
    deadline = time.monotonic() + args.seconds
    ucred = struct.calcsize("3i")
    with open(args.out, "a", buffering=1) as out:
        out.write("listening\n")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                out.write("timeout\n")
                return 1
            s.settimeout(left)
            try:
                data, anc, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(ucred))
            except socket.timeout:
                continue
            pid = -1
            for level, kind, cdata in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", cdata[:ucred])[0]
            fields = data.decode("utf-8", "replace").split("\n")
            out.write("msg %d %s\n" % (pid, "|".join(f for f in fields if f)))
            if "READY=1" in fields and probe:
                rc = subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    timeout=30).returncode
                out.write("probe %d\n" % rc)
            if "STOPPING=1" in fields:
                return 0


if __name__ == "__main__":
    sys.exit(main())
