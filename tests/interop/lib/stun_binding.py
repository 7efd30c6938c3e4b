#!/usr/bin/env python3
"""Send one STUN Binding request (RFC 8489) and check the answer.

Used by the interop cases where turnutils_stunclient and stun(1) cannot be told to
put a FINGERPRINT in the request. Standard library only.

Prints one line per fact:  mapped <ip> <port> / fingerprint ok|bad|absent / software <text>
Exit status: 0 success response decoded (and every --expect* held), 1 check failed,
2 no answer, 3 undecodable answer.
"""
import argparse
import binascii
import ipaddress
import os
import socket
import struct
import sys

MAGIC = 0x2112A442
FP_XOR = 0x5354554E
ATTR_MAPPED = 0x0001
ATTR_XOR_MAPPED = 0x0020
ATTR_SOFTWARE = 0x8022
ATTR_FINGERPRINT = 0x8028


def attr(t, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", t, len(value)) + value + b"\0" * pad


def build_request(tid, software, fingerprint):
    body = b""
    if software:
        body += attr(ATTR_SOFTWARE, software.encode())
    length = len(body) + (8 if fingerprint else 0)
    msg = struct.pack("!HHI", 0x0001, length, MAGIC) + tid + body
    if fingerprint:
        crc = (binascii.crc32(msg) ^ FP_XOR) & 0xFFFFFFFF
        msg += attr(ATTR_FINGERPRINT, struct.pack("!I", crc))
    return msg


def decode_address(t, value, tid):
    if len(value) < 4:
        raise ValueError("address attribute too short")
    family, port = value[1], struct.unpack("!H", value[2:4])[0]
    raw = value[4:]
    if family == 1 and len(raw) == 4:
        pass
    elif family == 2 and len(raw) == 16:
        pass
    else:
        raise ValueError("bad address family %d / length %d" % (family, len(value)))
    if t == ATTR_XOR_MAPPED:
        port ^= MAGIC >> 16
        key = struct.pack("!I", MAGIC) + tid
        raw = bytes(b ^ key[i] for i, b in enumerate(raw))
    return str(ipaddress.ip_address(raw)), port


def parse_response(data, tid):
    if len(data) < 20:
        raise ValueError("shorter than a STUN header (%d bytes)" % len(data))
    mtype, length, cookie = struct.unpack("!HHI", data[:8])
    if cookie != MAGIC:
        raise ValueError("magic cookie 0x%08x" % cookie)
    if data[8:20] != tid:
        raise ValueError("transaction ID does not match")
    if length % 4 or 20 + length != len(data):
        raise ValueError("message length %d but datagram %d bytes" % (length, len(data)))
    out = {"type": mtype, "attrs": [], "fingerprint": "absent"}
    off = 20
    while off < len(data):
        if off + 4 > len(data):
            raise ValueError("truncated attribute header at %d" % off)
        t, alen = struct.unpack("!HH", data[off:off + 4])
        vstart = off + 4
        vend = vstart + alen
        if vend > len(data):
            raise ValueError("attribute 0x%04x overruns the message" % t)
        value = data[vstart:vend]
        out["attrs"].append(t)
        if out["fingerprint"] != "absent":
            raise ValueError("attribute 0x%04x after FINGERPRINT" % t)
        if t == ATTR_FINGERPRINT:
            if alen != 4:
                raise ValueError("FINGERPRINT length %d" % alen)
            crc = (binascii.crc32(data[:off]) ^ FP_XOR) & 0xFFFFFFFF
            out["fingerprint"] = "ok" if struct.unpack("!I", value)[0] == crc else "bad"
        elif t in (ATTR_XOR_MAPPED, ATTR_MAPPED):
            out["xor" if t == ATTR_XOR_MAPPED else "mapped"] = decode_address(t, value, tid)
        elif t == ATTR_SOFTWARE:
            out["software"] = value.decode("utf-8", "replace")
        off = vend + (4 - alen % 4) % 4
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("-p", "--port", type=int, default=3478)
    ap.add_argument("--fingerprint", action="store_true", help="put FINGERPRINT in the request")
    ap.add_argument("--software", default="", help="put SOFTWARE in the request")
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds per try")
    ap.add_argument("--tries", type=int, default=3)
    ap.add_argument("--expect-mapped", help="require XOR-MAPPED-ADDRESS to be this IP")
    ap.add_argument("--expect-fingerprint", action="store_true",
                    help="require a correct FINGERPRINT in the response")
    args = ap.parse_args()

    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    tid = os.urandom(12)
    req = build_request(tid, args.software, args.fingerprint)
    data = None
    for _ in range(max(1, args.tries)):
        sock.sendto(req, (args.server, args.port))
        try:
            while True:
                data, src = sock.recvfrom(65535)
                if len(data) >= 20 and data[8:20] == tid:
                    break
        except socket.timeout:
            continue
        break
    if data is None:
        print("error: no answer from %s port %d" % (args.server, args.port))
        return 2
    try:
        resp = parse_response(data, tid)
    except ValueError as e:
        print("error: undecodable answer: %s" % e)
        return 3
    rc = 0
    if resp["type"] != 0x0101:
        print("error: message type 0x%04x, not a Binding success response" % resp["type"])
        rc = 1
    print("attributes " + " ".join("0x%04x" % t for t in resp["attrs"]))
    if "xor" in resp:
        print("mapped %s %d" % resp["xor"])
    if "mapped" in resp:
        print("legacy-mapped %s %d" % resp["mapped"])
    if "software" in resp:
        print("software %s" % resp["software"])
    print("fingerprint %s" % resp["fingerprint"])
    if args.expect_mapped:
        got = resp.get("xor", (None,))[0]
        if got is None or ipaddress.ip_address(got) != ipaddress.ip_address(args.expect_mapped):
            print("error: XOR-MAPPED-ADDRESS %s, expected %s" % (got, args.expect_mapped))
            rc = 1
    if resp["fingerprint"] == "bad":
        print("error: FINGERPRINT in the response is wrong")
        rc = 1
    if args.expect_fingerprint and resp["fingerprint"] != "ok":
        print("error: response carries no correct FINGERPRINT")
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
