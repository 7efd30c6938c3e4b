#!/usr/bin/env python3
"""A TURN-over-TCP client that stops reading (RFC 8656 §3.1 over TCP, §12.5 framing).

Used by stream-slow-reader.sh. Over one TCP connection with a small receive buffer:
Allocate (401 challenge, then with long-term credentials), CreatePermission for
--peer; prints "relayed <ip> <port>" and then holds the connection open for --hold
seconds without reading a byte, so that the peer's data relayed to it as Data
indications piles up in the kernel and then in dturn's per-connection buffer.
At the end it says whether the server closed the connection ("closed by server" or
"still open"). Exit 0 after the hold, 1 if a request failed. Standard library only.
"""
import argparse
import hashlib
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from turn_allocate import (A_NONCE, A_REALM, A_REQUESTED_TRANSPORT, A_USERNAME,  # noqa: E402
                           ALLOCATE, MAGIC, SUCCESS, build, parse)

CREATE_PERMISSION = 0x0008
A_XOR_PEER_ADDRESS = 0x0012


def xor_peer(ip):
    raw = socket.inet_aton(ip)
    cookie = struct.pack("!I", MAGIC)
    return struct.pack("!BBH", 0, 1, 0 ^ (MAGIC >> 16)) + bytes(b ^ cookie[i] for i, b in enumerate(raw))


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("server closed the connection")
        data += chunk
    return data


def request(sock, mtype, attrs, key=None):
    tid = os.urandom(12)
    sock.sendall(build(mtype, tid, attrs, key))
    head = read_exact(sock, 20)
    length = struct.unpack("!H", head[2:4])[0]
    return parse(head + read_exact(sock, length), tid, key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("-p", "--port", type=int, default=3478)
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", required=True)
    ap.add_argument("--peer", required=True, help="the peer's IPv4 address to permit")
    ap.add_argument("--hold", type=float, default=30.0, help="seconds to hold without reading")
    a = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Before connect, so that the window offered is small from the start.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5.0)
    sock.connect((a.server, a.port))
    udp = [(A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0]))]
    r = request(sock, ALLOCATE, udp)
    if r.get("error") != 401 or "nonce" not in r or "realm" not in r:
        print("error: expected 401 with REALM and NONCE, got %r" % r)
        return 1
    realm, nonce = r["realm"], r["nonce"]
    key = hashlib.md5(b"%s:%s:%s" % (a.user.encode(), realm, a.password.encode())).digest()
    creds = [(A_USERNAME, a.user.encode()), (A_REALM, realm), (A_NONCE, nonce)]
    r = request(sock, ALLOCATE, udp + creds, key)
    if r["type"] != ALLOCATE | SUCCESS or "relayed" not in r:
        print("error: Allocate failed: %r" % r)
        return 1
    relayed = r["relayed"]
    r = request(sock, CREATE_PERMISSION, [(A_XOR_PEER_ADDRESS, xor_peer(a.peer))] + creds, key)
    if r["type"] != CREATE_PERMISSION | SUCCESS:
        print("error: CreatePermission failed: %r" % r)
        return 1
    print("relayed %s %d" % relayed, flush=True)
    time.sleep(a.hold)
    # Only now look: a cut connection reads as end of file (or a reset) once the
    # buffered data is consumed; an open one keeps delivering or times out.
    sock.settimeout(2.0)
    state = "still open"
    try:
        while True:
            if not sock.recv(65536):
                state = "closed by server"
                break
    except ConnectionResetError:
        state = "closed by server"
    except socket.timeout:
        pass
    print(state, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
