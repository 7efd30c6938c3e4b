#!/usr/bin/env python3
"""Use one dual-stack TURN allocation (RFC 8656 §7.2) towards an IPv4 and an IPv6 peer.

Flow, over UDP to the server (IPv4 or IPv6 transport, whichever the server address is):
  1. Allocate with ADDITIONAL-ADDRESS-FAMILY IPv6 (after the 401 challenge): the success
     must carry two XOR-RELAYED-ADDRESS, an IPv4 one and an IPv6 one, and no
     ADDRESS-ERROR-CODE.
  2. CreatePermission for both peers (one request, two XOR-PEER-ADDRESS).
  3. Indication form: --count Send indications to each peer; every echo must come back
     as a Data indication naming that peer, with the same bytes.
  4. ChannelData form: ChannelBind 0x4001 to the IPv4 peer and 0x4002 to the IPv6 one;
     --count ChannelData each way, echoed back on the same channel.
  5. Refresh with REQUESTED-ADDRESS-FAMILY IPv6 and LIFETIME 0 deletes the IPv6 half:
     a Send to the IPv6 peer then gets no echo, CreatePermission for it is 443, and the
     IPv4 peer still echoes.
  6. Refresh LIFETIME 0 deletes the allocation.
The peers echo what they receive (turnutils_peer). Prints one line per step; the
relayed addresses as "relayed <ip> <port>". Exit 0 when every check held, 1 otherwise,
2 when the server never answered. Standard library only (shares turn_allocate.py's codec).
"""
import argparse
import hashlib
import ipaddress
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from turn_allocate import (MAGIC, ALLOCATE, REFRESH, SUCCESS, A_USERNAME,  # noqa: E402
                           A_ERROR_CODE, A_LIFETIME, A_REALM, A_NONCE, A_XOR_RELAYED,
                           A_REQUESTED_TRANSPORT, build, xor_address, Undecodable)

CREATE_PERMISSION = 0x0008
CHANNEL_BIND = 0x0009
SEND_INDICATION = 0x0016
DATA_INDICATION = 0x0017
A_CHANNEL_NUMBER = 0x000C
A_XOR_PEER = 0x0012
A_DATA = 0x0013
A_REQUESTED_FAMILY = 0x0017
A_ADDITIONAL_FAMILY = 0x8000
A_ADDRESS_ERROR = 0x8001


def xor_encode(ip, port, tid):
    raw = ipaddress.ip_address(ip).packed
    key = struct.pack("!I", MAGIC) + tid
    family = 1 if len(raw) == 4 else 2
    return (struct.pack("!BBH", 0, family, port ^ (MAGIC >> 16)) +
            bytes(b ^ key[i] for i, b in enumerate(raw)))


def decode(data):
    """A STUN message's type, transaction ID and attributes (list of (type, value))."""
    if len(data) < 20:
        raise Undecodable("%d bytes" % len(data))
    mtype, length, cookie = struct.unpack("!HHI", data[:8])
    if cookie != MAGIC or length + 20 != len(data):
        raise Undecodable("bad cookie or length")
    attrs, off = [], 20
    while off + 4 <= len(data):
        t, alen = struct.unpack("!HH", data[off:off + 4])
        attrs.append((t, data[off + 4:off + 4 + alen]))
        off += 4 + alen + (4 - alen % 4) % 4
    return mtype, data[8:20], attrs


class Session:
    def __init__(self, server, port, timeout):
        family = socket.AF_INET6 if ":" in server else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.dest = (server, port)
        self.timeout = timeout
        self.data = []          # (kind, peer-or-channel, payload) received meanwhile
        self.key = self.user = self.realm = self.nonce = None

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        self.sock.settimeout(left)
        try:
            data, _ = self.sock.recvfrom(65535)
        except socket.timeout:
            return None
        return data

    def _keep_data(self, data):
        """A datagram that is not the awaited response: Data indication or ChannelData."""
        if len(data) >= 4 and 0x40 <= data[0] <= 0x7F:
            number, length = struct.unpack("!HH", data[:4])
            self.data.append(("channel", number, data[4:4 + length]))
            return
        try:
            mtype, tid, attrs = decode(data)
        except Undecodable:
            return
        if mtype == DATA_INDICATION:
            peer = payload = None
            for t, v in attrs:
                if t == A_XOR_PEER:
                    peer = xor_address(v, tid)
                elif t == A_DATA:
                    payload = v
            self.data.append(("indication", peer, payload))

    def transact(self, mtype, attrs, signed=True, tries=3):
        """attrs: a list, or a function of the transaction ID (XOR-PEER-ADDRESS needs it)."""
        make = attrs if callable(attrs) else (lambda tid: attrs)
        auth = []
        if signed:
            auth = [(A_USERNAME, self.user), (A_REALM, self.realm), (A_NONCE, self.nonce)]
        for _ in range(2):  # once more on 438 with the new nonce
            tid = os.urandom(12)
            msg = build(mtype, tid, make(tid) + auth, self.key if signed else None)
            for _ in range(tries):
                self.sock.sendto(msg, self.dest)
                deadline = time.monotonic() + self.timeout
                while True:
                    data = self._recv(deadline)
                    if data is None:
                        break
                    if len(data) >= 20 and data[8:20] == tid and data[0] < 0x40:
                        rtype, _, rattrs = decode(data)
                        err = next(((v[2] & 7) * 100 + v[3] for t, v in rattrs
                                    if t == A_ERROR_CODE and len(v) >= 4), None)
                        nonce = next((v for t, v in rattrs if t == A_NONCE), None)
                        if signed and err == 438 and nonce:
                            self.nonce = nonce
                            auth = [(A_USERNAME, self.user), (A_REALM, self.realm),
                                    (A_NONCE, self.nonce)]
                            break
                        return rtype, tid, rattrs, err
                    self._keep_data(data)
                if data is not None:
                    break  # a 438: rebuild with the new nonce
        return None

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            data = self._recv(deadline)
            if data is None:
                return
            self._keep_data(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("-p", "--port", type=int, default=3478)
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", required=True)
    ap.add_argument("--peer4", required=True, help="IPv4 echo peer ip:port")
    ap.add_argument("--peer6", required=True, help="IPv6 echo peer [ip]:port")
    ap.add_argument("--count", type=int, default=50, help="messages per family and form")
    ap.add_argument("--timeout", type=float, default=1.0)
    args = ap.parse_args()

    def split(hp):
        host, _, port = hp.rpartition(":")
        return host.strip("[]"), int(port)

    peers = {4: split(args.peer4), 6: split(args.peer6)}
    s = Session(args.server, args.port, args.timeout)
    ok = True

    def check(cond, what):
        nonlocal ok
        print(("ok   " if cond else "FAIL ") + what)
        ok = ok and cond
        return cond

    transport = [(A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0])),
                 (A_ADDITIONAL_FAMILY, bytes([2, 0, 0, 0]))]
    r = s.transact(ALLOCATE, transport, signed=False)
    if r is None:
        print("error: no answer from %s port %d" % s.dest)
        return 2
    _, _, attrs, err = r
    if not check(err == 401, "unauthenticated Allocate: 401 (got %s)" % err):
        return 1
    s.realm = next(v for t, v in attrs if t == A_REALM)
    s.nonce = next(v for t, v in attrs if t == A_NONCE)
    s.user = args.user.encode()
    s.key = hashlib.md5(b"%s:%s:%s" % (s.user, s.realm, args.password.encode())).digest()

    r = s.transact(ALLOCATE, transport)
    if r is None:
        print("error: no answer to the authenticated Allocate")
        return 2
    rtype, tid, attrs, err = r
    if not check(rtype == ALLOCATE | SUCCESS, "dual Allocate: success (type 0x%04x, error %s)"
                 % (rtype, err)):
        return 1
    relayed = [xor_address(v, tid) for t, v in attrs if t == A_XOR_RELAYED]
    for ip, port in relayed:
        print("relayed %s %d" % (ip, port))
    fams = [ipaddress.ip_address(ip).version for ip, _ in relayed]
    check(fams == [4, 6], "two relayed addresses, IPv4 then IPv6 (got %s)" % fams)
    check(not any(t == A_ADDRESS_ERROR for t, _ in attrs), "no ADDRESS-ERROR-CODE")

    def create_permission(fams_wanted):
        return s.transact(CREATE_PERMISSION, lambda tid: [
            (A_XOR_PEER, xor_encode(peers[f][0], peers[f][1], tid)) for f in fams_wanted])

    r = create_permission([4, 6])
    check(r is not None and r[0] == CREATE_PERMISSION | SUCCESS,
          "CreatePermission for both peers: success (%s)" % (r and r[3]))

    def send(f, payload):
        tid = os.urandom(12)
        msg = build(SEND_INDICATION, tid,
                    [(A_XOR_PEER, xor_encode(peers[f][0], peers[f][1], tid)), (A_DATA, payload)])
        s.sock.sendto(msg, s.dest)

    def echoed(kind, key, payloads):
        got = [p for k, who, p in s.data if k == kind and who == key]
        return sum(1 for p in payloads if p in got)

    # 3. Send / Data indications.
    sent = {4: [], 6: []}
    for i in range(args.count):
        for f in (4, 6):
            p = b"dual-ind-%d-%04d" % (f, i)
            sent[f].append(p)
            send(f, p)
            time.sleep(0.002)
    s.drain(1.5)
    for f in (4, 6):
        n = echoed("indication", peers[f], sent[f])
        check(n == args.count, "IPv%d peer via Send/Data indications: %d of %d echoed"
              % (f, n, args.count))
    s.data.clear()

    # 4. ChannelBind and ChannelData.
    channel = {4: 0x4001, 6: 0x4002}
    for f in (4, 6):
        r = s.transact(CHANNEL_BIND, lambda tid, f=f: [
            (A_CHANNEL_NUMBER, struct.pack("!HH", channel[f], 0)),
            (A_XOR_PEER, xor_encode(peers[f][0], peers[f][1], tid))])
        check(r is not None and r[0] == CHANNEL_BIND | SUCCESS,
              "ChannelBind 0x%04x to the IPv%d peer: success (%s)" % (channel[f], f, r and r[3]))
    sent = {4: [], 6: []}
    for i in range(args.count):
        for f in (4, 6):
            p = b"dual-chn-%d-%04d" % (f, i)
            sent[f].append(p)
            pad = (4 - len(p) % 4) % 4
            s.sock.sendto(struct.pack("!HH", channel[f], len(p)) + p + b"\0" * pad, s.dest)
            time.sleep(0.002)
    s.drain(1.5)
    for f in (4, 6):
        n = echoed("channel", channel[f], sent[f])
        check(n == args.count, "IPv%d peer via ChannelData 0x%04x: %d of %d echoed"
              % (f, channel[f], n, args.count))
    s.data.clear()

    # 5. Delete the IPv6 half.
    r = s.transact(REFRESH, [(A_REQUESTED_FAMILY, bytes([2, 0, 0, 0])),
                             (A_LIFETIME, struct.pack("!I", 0))])
    check(r is not None and r[0] == REFRESH | SUCCESS,
          "Refresh IPv6 lifetime 0: success (%s)" % (r and r[3]))
    for i in range(5):
        send(6, b"after-6-%d" % i)
        send(4, b"after-4-%d" % i)
    s.drain(1.0)
    # The IPv4 peer has a channel now, so its echoes come back as ChannelData (§11.3).
    n6 = (echoed("indication", peers[6], [b"after-6-%d" % i for i in range(5)]) +
          echoed("channel", channel[6], [b"after-6-%d" % i for i in range(5)]))
    n4 = echoed("channel", channel[4], [b"after-4-%d" % i for i in range(5)])
    check(n6 == 0, "after the IPv6 half is deleted, the IPv6 peer echoes nothing (%d)" % n6)
    check(n4 == 5, "the IPv4 half still relays (%d of 5)" % n4)
    r = create_permission([6])
    check(r is not None and r[3] == 443, "CreatePermission for the IPv6 peer now: 443 (%s)"
          % (r and r[3]))

    # 6. Delete the rest.
    r = s.transact(REFRESH, [(A_LIFETIME, struct.pack("!I", 0))])
    check(r is not None and r[0] == REFRESH | SUCCESS,
          "Refresh lifetime 0: allocation deleted (%s)" % (r and r[3]))
    print("result %s" % ("ok" if ok else "failed"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
