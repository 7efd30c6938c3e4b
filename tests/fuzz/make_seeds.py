#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed inputs of fuzz_frame, fuzz_channel and fuzz_conf.

    tests/fuzz/make_seeds.py [CORPUS_DIR]      (default: tests/fuzz/corpus)

corpus/frame/:   Ethernet frames for the fake port of tests/fuzz/fuzz_world.h
                 (02:00:00:00:18:01, 198.18.0.1/24, 2001:db8:18::1/64, relayed
                 addresses 198.18.0.10 and 2001:db8:18::10): ARP request and reply,
                 ping, ping6, neighbour solicitation and advertisement, UDP Binding
                 requests (IPv4, IPv6), ChannelData on a bound channel, a Send
                 indication, an Allocate, peer datagrams to relayed ports, and every
                 STUN seed of the top-level corpus wrapped in UDP from 198.18.0.2:40000.
corpus/channel/: a selector byte (see fuzz_channel.c) + ChannelData.
corpus/conf/:    config/*.conf and a few broken files.
Deterministic: the same bytes on every run (the files are committed).
"""
import glob
import ipaddress
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")

OUR_MAC = bytes([2, 0, 0, 0, 0x18, 0x01])
CLI_MAC = bytes([2, 0, 0, 0, 0x18, 0x02])
BCAST = b"\xff" * 6
COOKIE = 0x2112A442


def ip(a):
    return ipaddress.ip_address(a).packed


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, etype, payload):
    return dst + CLI_MAC + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                    ip(src), ip(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth(OUR_MAC, 0x0800, h + payload)


def ipv6(src, dst, nh, payload, hlim=64, dmac=OUR_MAC):
    h = struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, ip(src), ip(dst))
    return eth(dmac, 0x86DD, h + payload)


def l4sum6(src, dst, nh, seg):
    pseudo = ip(src) + ip(dst) + struct.pack("!IxxxB", len(seg), nh)
    return csum(pseudo + seg)


def udp4(src, sport, dst, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 17, len(seg))
    c = csum(pseudo + seg) or 0xFFFF
    return ipv4(src, dst, 17, seg[:6] + struct.pack("!H", c) + seg[8:])


def udp6(src, sport, dst, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4sum6(src, dst, 17, seg) or 0xFFFF
    return ipv6(src, dst, 17, seg[:6] + struct.pack("!H", c) + seg[8:])


def icmp6(src, dst, body, dmac=OUR_MAC):
    seg = body[:2] + b"\0\0" + body[4:]
    c = l4sum6(src, dst, 58, seg)
    return ipv6(src, dst, 58, seg[:2] + struct.pack("!H", c) + seg[4:], hlim=255, dmac=dmac)


def arp(op, sha, spa, tha, tpa, dst):
    return eth(dst, 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, ip(spa),
                                        tha, ip(tpa)))


def attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * ((4 - len(v) % 4) % 4)


def stun(msg_type, attrs, tid=b"fuzzseed0001", fingerprint=True):
    body = b"".join(attrs)
    if fingerprint:
        hdr = struct.pack("!HHI", msg_type, len(body) + 8, COOKIE) + tid
        fp = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += attr(0x8028, struct.pack("!I", fp))
    return struct.pack("!HHI", msg_type, len(body), COOKIE) + tid + body


def xor_addr4(a, port):
    x = struct.unpack("!I", ip(a))[0] ^ COOKIE
    return struct.pack("!BBHI", 0, 1, port ^ (COOKIE >> 16), x)


def write(sub, name, data):
    d = os.path.join(OUT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frames():
    c4, s4, r4, p4 = "198.18.0.2", "198.18.0.1", "198.18.0.10", "198.18.0.3"
    c6, s6, r6, p6 = "2001:db8:18::2", "2001:db8:18::1", "2001:db8:18::10", "2001:db8:18::3"
    f = {}
    f["arp-request"] = arp(1, CLI_MAC, c4, b"\0" * 6, s4, BCAST)
    f["arp-request-relay-ip"] = arp(1, CLI_MAC, c4, b"\0" * 6, r4, BCAST)
    f["arp-reply"] = arp(2, CLI_MAC, c4, OUR_MAC, s4, OUR_MAC)
    f["arp-padded"] = f["arp-request"] + b"\0" * 18
    echo = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"ping-payload-0123456789"
    echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
    f["ping"] = ipv4(c4, s4, 1, echo)
    f["ping-padded"] = ipv4(c4, s4, 1, echo[:8]) + b"\0" * 20
    e6 = struct.pack("!BBHHH", 128, 0, 0, 0x1234, 1) + b"ping6-payload"
    f["ping6"] = icmp6(c6, s6, e6)
    # Neighbour solicitation for 2001:db8:18::1 with a source link-layer option.
    tgt = ip(s6)
    sn = ipaddress.ip_address("ff02::1:ff00:0001")
    sn_mac = bytes([0x33, 0x33, 0xFF, 0, 0, 1])
    ns = struct.pack("!BBHI", 135, 0, 0, 0) + tgt + struct.pack("!BB", 1, 1) + CLI_MAC
    f["ndp-ns"] = icmp6(c6, str(sn), ns, dmac=sn_mac)
    na = struct.pack("!BBHI", 136, 0, 0, 0x60000000) + ip(c6) + struct.pack("!BB", 2, 1) + CLI_MAC
    f["ndp-na"] = icmp6(c6, s6, na)
    binding = stun(0x0001, [attr(0x8022, b"seed")])
    f["udp-binding-v4"] = udp4(c4, 40000, s4, 3478, binding)
    f["udp-binding-v6"] = udp6(c6, 40002, s6, 3478, binding)
    f["udp-binding-v4-padded"] = udp4(c4, 40000, s4, 3478, stun(0x0001, [], fingerprint=False))
    f["udp-binding-indication"] = udp4(c4, 40000, s4, 3478, stun(0x0011, []))
    f["udp-rfc3489-binding"] = udp4(c4, 40000, s4, 3478,
                                    struct.pack("!HHI", 1, 0, 0x01020304) + b"classic-tid1")
    cd = struct.pack("!HH", 0x4000, 5) + b"hello" + b"\0\0\0"
    f["udp-channeldata-v4"] = udp4(c4, 40000, s4, 3478, cd)
    f["udp-channeldata-v6"] = udp6(c6, 40002, s6, 3478, struct.pack("!HH", 0x4001, 4) + b"data")
    f["udp-channeldata-unbound"] = udp4(c4, 40000, s4, 3478, struct.pack("!HH", 0x4abc, 2) + b"zz\0\0")
    f["udp-channeldata-rfc5766"] = udp4(c4, 40000, s4, 3478, struct.pack("!HH", 0x5001, 0))
    send = stun(0x0016, [attr(0x0012, xor_addr4(p4, 5000)), attr(0x0013, b"send-data")],
                fingerprint=False)
    f["udp-send-indication"] = udp4(c4, 40000, s4, 3478, send)
    alloc = stun(0x0003, [attr(0x0019, b"\x11\0\0\0")])
    f["udp-allocate"] = udp4(c4, 40000, s4, 3478, alloc)
    f["udp-other-port"] = udp4(c4, 40000, s4, 9999, b"x")
    for port in range(49152, 49160):
        f["udp-peer-v4-%d" % port] = udp4(p4, 5000, r4, port, b"peer-data")
    # The ports fuzz_world.h's table (seed 7) gives its two allocations
    # (FUZZ_WORLD_STATS=1 build-fuzz/fuzz_frame -runs=0 prints them).
    f["udp-peer-v4-49167"] = udp4(p4, 5000, r4, 49167, b"peer-data")
    f["udp-peer-v4-49167-unpermitted"] = udp4("198.18.0.4", 5000, r4, 49167, b"peer-data")
    f["udp-peer-v6-49190"] = udp6(p6, 5000, r6, 49190, b"peer-data")
    f["udp-peer-v6-49152"] = udp6(p6, 5000, r6, 49152, b"peer-data")
    for path in sorted(glob.glob(os.path.join(OUT, "*.bin"))):
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as fh:
            f["udp-" + name] = udp4(c4, 40000, s4, 3478, fh.read())
    for name, data in f.items():
        write("frame", name + ".bin", data)


def channel():
    cases = {
        "v4-bound": (0, struct.pack("!HH", 0x4000, 5) + b"hello\0\0\0"),
        "v4-bound2": (0, struct.pack("!HH", 0x4001, 0)),
        "v6-bound": (1, struct.pack("!HH", 0x4000, 4) + b"data"),
        "v4-unbound": (0, struct.pack("!HH", 0x4002, 1) + b"x\0\0\0"),
        "no-alloc": (2, struct.pack("!HH", 0x4000, 1) + b"x"),
        "wrong-port": (3, struct.pack("!HH", 0x4000, 1) + b"x"),
        "rfc8656-range": (4, struct.pack("!HH", 0x5000, 1) + b"x"),
        "lying-length": (0, struct.pack("!HH", 0x4000, 0xFFFF) + b"short"),
        "too-much-padding": (0, struct.pack("!HH", 0x4000, 1) + b"x" + b"\0" * 4),
        "truncated": (0, b"\x40\x00\x00"),
    }
    for name, (sel, data) in cases.items():
        write("channel", name + ".bin", bytes([sel]) + data)


def conf():
    for path in sorted(glob.glob(os.path.join(ROOT, "config", "*.conf"))):
        with open(path, "rb") as fh:
            write("conf", os.path.basename(path), fh.read())
    broken = {
        "empty.conf": b"",
        "no-section.conf": b"level = info\n",
        "unknown-key.conf": b"[log]\nlevel = info\nnope = 1\n",
        "bad-values.conf": b"[stun]\nlisten_ports = 0, 70000, x\n[turn]\nrelay_ipv4 = 1.2.3\n"
                           b"allowed_peers = 198.18.0.0/99\n",
        "unterminated-section.conf": b"[port client\ndevice = x\n",
        "duplicate.conf": b"[log]\nlevel = info\n[log]\nlevel = debug\n",
        "long-line.conf": b"[users]\n" + b"a" * 300 + b" = " + b"b" * 5000 + b"\n",
        "nul-and-crlf.conf": b"[log]\r\nlevel = in\0fo\r\n",
        "port-overlap.conf": b"[port a]\ndevice = net_null0\nipv4 = 198.18.0.1/24\n"
                             b"[port b]\ndevice = net_null1\nipv4 = 198.18.0.2/16\n"
                             b"[turn]\nrelay_ipv4 = 198.18.0.9\n",
    }
    for name, data in broken.items():
        write("conf", name, data)


frames()
channel()
conf()
