#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for bench/e2e/run.sh (standard library only).

  e2e.py sample OUT INTERVAL MAX_SECONDS NETDEV_FILE...
      Every INTERVAL seconds append "t rx1 rx2 ..." to OUT: t from CLOCK_MONOTONIC,
      rxN the eth0 receive packet count read from NETDEV_FILE (/proc/<pid>/net/dev of a
      process in the namespace). Stops on SIGTERM or after MAX_SECONDS.
  e2e.py rate SAMPLES
      From a sample file: "total active_pps peak_pps active_s". total is the packets the
      namespaces received (sum of the columns) between the first and last sample;
      active_pps is the packets of the sampling intervals with at least ACTIVE_MIN of them
      over the length of those intervals (active_s); peak is the best 0.2 s window.
  e2e.py stats SOCKET
      Query /dturn/stats (all workers summed) over the DPDK telemetry socket and print
      "relayed busy_cycles rx_packets tx_dropped" (relayed = relay_to_peer +
      relay_to_client_channel + relay_to_client_data; busy_cycles "-" when the daemon
      has no such counter).
  e2e.py cputime PID
      CPU time of every thread of PID in nanoseconds (sum of /proc/PID/task/*/schedstat
      run time; falls back to utime+stime from /proc/PID/stat at clock-tick resolution).
"""
import glob
import json
import os
import signal
import socket
import sys
import time

ACTIVE_MIN = 5


def read_rx(path, ifname="eth0"):
    with open(path) as f:
        for line in f:
            name, sep, rest = line.partition(":")
            if sep and name.strip() == ifname:
                return int(rest.split()[1])
    raise SystemExit(f"e2e.py: no {ifname} in {path}")


def cmd_sample(out, interval, max_seconds, files):
    interval = float(interval)
    deadline = time.monotonic() + float(max_seconds)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with open(out, "w") as f:
        while True:
            t = time.monotonic()
            vals = [read_rx(p) for p in files]
            f.write("%.4f %s\n" % (t, " ".join(str(v) for v in vals)))
            f.flush()
            if stop or t > deadline:
                return 0
            time.sleep(interval)


def cmd_rate(path):
    samples = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2:
                samples.append((float(w[0]), sum(int(x) for x in w[1:])))
    total = samples[-1][1] - samples[0][1] if len(samples) >= 2 else 0
    if total <= 0:
        print("0 0 0 0")
        return 0
    # Active time: the sampling intervals in which the server sent at least ACTIVE_MIN
    # packets (uclient starts its sessions at random 1-6 s offsets: the idle gaps
    # between them say nothing about the server).
    moved = active = 0.0
    for (t0, s0), (t1, s1) in zip(samples, samples[1:]):
        if s1 - s0 >= ACTIVE_MIN:
            moved += s1 - s0
            active += t1 - t0
    rate = moved / active if active > 0 else 0.0
    peak = 0.0
    j = 0
    for i in range(len(samples)):
        while j < len(samples) and samples[j][0] - samples[i][0] < 0.2:
            j += 1
        if j >= len(samples):
            break
        peak = max(peak, (samples[j][1] - samples[i][1]) / (samples[j][0] - samples[i][0]))
    print("%d %.0f %.0f %.3f" % (total, rate, peak, active))
    return 0


def cmd_stats(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(3)
    s.connect(path)
    s.recv(4096)  # the greeting: version, pid, max_output_len
    s.send(b"/dturn/stats")
    d = json.loads(s.recv(1 << 20).decode())["/dturn/stats"]
    s.close()
    relayed = (d.get("relay_to_peer", 0) + d.get("relay_to_client_channel", 0)
               + d.get("relay_to_client_data", 0))
    busy = d.get("busy_cycles")
    print(relayed, "-" if busy is None else busy, d.get("rx_packets", 0), d.get("tx_dropped", 0))
    return 0


def cmd_cputime(pid):
    total = 0
    found = False
    for p in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(p) as f:
                total += int(f.read().split()[0])
                found = True
        except (OSError, ValueError, IndexError):
            pass
    if not found:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rpartition(")")[2].split()
        ticks = int(rest[11]) + int(rest[12])  # utime, stime (fields 14 and 15)
        total = ticks * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    print(total)
    return 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "sample":
        return cmd_sample(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 3 and argv[1] == "rate":
        return cmd_rate(argv[2])
    if len(argv) == 3 and argv[1] == "stats":
        return cmd_stats(argv[2])
    if len(argv) == 3 and argv[1] == "cputime":
        return cmd_cputime(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
