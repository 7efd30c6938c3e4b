#!/usr/bin/env python3
"""Try one TURN Allocate (RFC 8656) with long-term credentials and report the outcome.

Used by the interop cases that need to see the error code, which turnutils_uclient
does not print. Standard library only.

Flow: Allocate (REQUESTED-TRANSPORT UDP, FINGERPRINT) without credentials, expecting
401 with REALM and NONCE; then the same with USERNAME, REALM, NONCE, MESSAGE-INTEGRITY
(HMAC-SHA1, key MD5("user:realm:password"), over the message with its length adjusted
to end at MESSAGE-INTEGRITY) and FINGERPRINT; on 438 Stale Nonce once more with the new
nonce. A successful allocation is released at once (Refresh, LIFETIME 0).

Credentials: --user/--password, or --rest-secret (the password is
base64(HMAC-SHA1(secret, username)); with --rest-expiry the username is built as
"<now + expiry seconds>:<user>", a negative expiry giving one already in the past).

Prints one line per fact:
  challenge <code> realm <realm> nonce <n bytes>
  result success relayed <ip> <port> lifetime <s> mapped <ip> <port>
  result error <code> <reason>
  fingerprint ok|bad|absent / integrity ok|bad|absent   (for each response, prefixed by
                                                          its step: challenge / result)
Exit status: 0 the outcome is --expect (default: success), 1 it is not (or a response
failed a FINGERPRINT / MESSAGE-INTEGRITY check), 2 no answer, 3 undecodable answer.
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys
import time

MAGIC = 0x2112A442
FP_XOR = 0x5354554E

ALLOCATE = 0x0003
REFRESH = 0x0004
SUCCESS = 0x0100
ERROR = 0x0110

A_USERNAME = 0x0006
A_MESSAGE_INTEGRITY = 0x0008
A_ERROR_CODE = 0x0009
A_LIFETIME = 0x000D
A_REALM = 0x0014
A_NONCE = 0x0015
A_XOR_RELAYED = 0x0016
A_REQUESTED_TRANSPORT = 0x0019
A_XOR_MAPPED = 0x0020
A_SOFTWARE = 0x8022
A_FINGERPRINT = 0x8028


class Undecodable(Exception):
    pass


def attr(t, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", t, len(value)) + value + b"\0" * pad


def build(mtype, tid, attrs, key=None):
    """Message with attrs, then MESSAGE-INTEGRITY (if key) and FINGERPRINT."""
    body = b"".join(attr(t, v) for t, v in attrs)
    if key is not None:
        head = struct.pack("!HHI", mtype, len(body) + 24, MAGIC) + tid
        mac = hmac.new(key, head + body, hashlib.sha1).digest()
        body += attr(A_MESSAGE_INTEGRITY, mac)
    head = struct.pack("!HHI", mtype, len(body) + 8, MAGIC) + tid
    crc = (binascii.crc32(head + body) ^ FP_XOR) & 0xFFFFFFFF
    return head + body + attr(A_FINGERPRINT, struct.pack("!I", crc))


def xor_address(value, tid):
    if len(value) < 8:
        raise Undecodable("address attribute of %d bytes" % len(value))
    family, port = value[1], struct.unpack("!H", value[2:4])[0] ^ (MAGIC >> 16)
    raw = value[4:]
    if not ((family == 1 and len(raw) == 4) or (family == 2 and len(raw) == 16)):
        raise Undecodable("address family %d with %d bytes" % (family, len(raw)))
    key = struct.pack("!I", MAGIC) + tid
    return str(ipaddress.ip_address(bytes(b ^ key[i] for i, b in enumerate(raw)))), port


def parse(data, tid, key):
    """Decode a response; check FINGERPRINT and (with key) MESSAGE-INTEGRITY."""
    if len(data) < 20:
        raise Undecodable("%d bytes, shorter than a STUN header" % len(data))
    mtype, length, cookie = struct.unpack("!HHI", data[:8])
    if cookie != MAGIC or data[8:20] != tid:
        raise Undecodable("magic cookie or transaction ID does not match")
    if length % 4 or 20 + length != len(data):
        raise Undecodable("message length %d but datagram %d bytes" % (length, len(data)))
    out = {"type": mtype, "fingerprint": "absent", "integrity": "absent"}
    off = 20
    while off < len(data):
        if off + 4 > len(data):
            raise Undecodable("truncated attribute header at %d" % off)
        t, alen = struct.unpack("!HH", data[off:off + 4])
        value = data[off + 4:off + 4 + alen]
        if len(value) != alen:
            raise Undecodable("attribute 0x%04x overruns the message" % t)
        if out["fingerprint"] != "absent":
            raise Undecodable("attribute 0x%04x after FINGERPRINT" % t)
        if t == A_FINGERPRINT:
            crc = (binascii.crc32(data[:off]) ^ FP_XOR) & 0xFFFFFFFF
            out["fingerprint"] = "ok" if alen == 4 and struct.unpack("!I", value)[0] == crc else "bad"
        elif out["integrity"] != "absent":
            raise Undecodable("attribute 0x%04x after MESSAGE-INTEGRITY" % t)
        elif t == A_MESSAGE_INTEGRITY:
            if key is None or alen != 20:
                out["integrity"] = "unchecked" if alen == 20 else "bad"
            else:
                head = struct.pack("!HH", mtype, off - 20 + 24) + data[4:20]
                mac = hmac.new(key, head + data[20:off], hashlib.sha1).digest()
                out["integrity"] = "ok" if hmac.compare_digest(mac, value) else "bad"
        elif t == A_ERROR_CODE:
            if alen < 4:
                raise Undecodable("ERROR-CODE of %d bytes" % alen)
            out["error"] = (value[2] & 7) * 100 + value[3]
            out["reason"] = value[4:].decode("utf-8", "replace")
        elif t == A_REALM:
            out["realm"] = value
        elif t == A_NONCE:
            out["nonce"] = value
        elif t == A_LIFETIME and alen == 4:
            out["lifetime"] = struct.unpack("!I", value)[0]
        elif t == A_XOR_RELAYED:
            out["relayed"] = xor_address(value, tid)
        elif t == A_XOR_MAPPED:
            out["mapped"] = xor_address(value, tid)
        off += 4 + alen + (4 - alen % 4) % 4
    return out


class Client:
    def __init__(self, server, port, timeout, tries):
        family = socket.AF_INET6 if ":" in server else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.dest = (server, port)
        self.timeout = timeout
        self.tries = max(1, tries)

    def transact(self, mtype, attrs, key=None):
        """Send until answered (same transaction ID on retransmits); None if never."""
        tid = os.urandom(12)
        msg = build(mtype, tid, attrs, key)
        for _ in range(self.tries):
            self.sock.sendto(msg, self.dest)
            deadline = time.monotonic() + self.timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                try:
                    data, _ = self.sock.recvfrom(65535)
                except socket.timeout:
                    break
                if len(data) >= 20 and data[8:20] == tid:
                    return data, tid
        return None, tid


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("-p", "--port", type=int, default=3478)
    ap.add_argument("--user", default="alice", help="user (with --rest-expiry: the name part)")
    ap.add_argument("--password", help="long-term password")
    ap.add_argument("--rest-secret", help="TURN REST API secret: password = base64(HMAC-SHA1)")
    ap.add_argument("--rest-expiry", type=int,
                    help="username '<now + this>:<user>' (negative: already expired)")
    ap.add_argument("--expect", default="success",
                    help="'success' or an error code the credentialed Allocate must get")
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds per try")
    ap.add_argument("--tries", type=int, default=3)
    args = ap.parse_args()

    user = args.user
    if args.rest_expiry is not None:
        user = "%d:%s" % (int(time.time()) + args.rest_expiry, args.user)
    if args.rest_secret is not None:
        password = base64.b64encode(hmac.new(args.rest_secret.encode(), user.encode(),
                                             hashlib.sha1).digest()).decode()
    elif args.password is not None:
        password = args.password
    else:
        ap.error("--password or --rest-secret is needed")
    print("username %s" % user)

    cl = Client(args.server, args.port, args.timeout, args.tries)
    transport = [(A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0]))]
    rc = 0

    data, tid = cl.transact(ALLOCATE, transport)
    if data is None:
        print("error: no answer to the Allocate request from %s port %d" % cl.dest)
        return 2
    try:
        first = parse(data, tid, None)
    except Undecodable as e:
        print("error: undecodable answer: %s" % e)
        return 3
    if first["type"] != ALLOCATE | ERROR or first.get("error") != 401:
        print("error: unauthenticated Allocate got type 0x%04x error %s, expected a 401"
              % (first["type"], first.get("error")))
        return 1
    if "realm" not in first or "nonce" not in first:
        print("error: the 401 carries no REALM or NONCE")
        return 1
    print("challenge 401 realm %s nonce %d" % (first["realm"].decode("utf-8", "replace"),
                                               len(first["nonce"])))
    print("challenge fingerprint %s" % first["fingerprint"])
    if first["fingerprint"] == "bad":
        rc = 1
    realm, nonce = first["realm"], first["nonce"]
    key = hashlib.md5(b"%s:%s:%s" % (user.encode(), realm, password.encode())).digest()

    for _ in range(2):
        attrs = transport + [(A_USERNAME, user.encode()), (A_REALM, realm), (A_NONCE, nonce)]
        data, tid = cl.transact(ALLOCATE, attrs, key)
        if data is None:
            print("error: no answer to the credentialed Allocate")
            return 2
        try:
            res = parse(data, tid, key)
        except Undecodable as e:
            print("error: undecodable answer: %s" % e)
            return 3
        if res.get("error") == 438 and "nonce" in res:
            nonce = res["nonce"]
            continue
        break

    if res["type"] == ALLOCATE | SUCCESS:
        if "relayed" not in res:
            print("error: success response without XOR-RELAYED-ADDRESS")
            rc = 1
        rel = res.get("relayed", ("-", 0))
        mapped = res.get("mapped", ("-", 0))
        print("result success relayed %s %d lifetime %s mapped %s %d"
              % (rel[0], rel[1], res.get("lifetime", "-"), mapped[0], mapped[1]))
        outcome = "success"
        if res["integrity"] != "ok":
            print("error: MESSAGE-INTEGRITY of the success response is %s" % res["integrity"])
            rc = 1
        # Release it: Refresh with LIFETIME 0 (answer not required).
        cl.tries = 1
        cl.transact(REFRESH, [(A_LIFETIME, struct.pack("!I", 0)), (A_USERNAME, user.encode()),
                              (A_REALM, realm), (A_NONCE, nonce)], key)
    elif res["type"] == ALLOCATE | ERROR:
        print("result error %s %s" % (res.get("error", "-"), res.get("reason", "")))
        outcome = str(res.get("error", "none"))
        if res["integrity"] == "bad":
            rc = 1
    else:
        print("error: answer of type 0x%04x to an Allocate" % res["type"])
        return 1
    print("result fingerprint %s" % res["fingerprint"])
    print("result integrity %s" % res["integrity"])
    if res["fingerprint"] == "bad":
        print("error: FINGERPRINT in the response is wrong")
        rc = 1
    if outcome != args.expect:
        print("error: outcome %s, expected %s" % (outcome, args.expect))
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
