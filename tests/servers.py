"""Real servers on 127.0.0.1 that tests share: a DNS responder (UDP and TCP)."""

from __future__ import annotations

import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

UP_ADDRESS = "192.0.2.10"


# records.example.: one name with records of every type openstatus's dnsRecord assertions read.
RECORDS = {
    "A": ["192.0.2.20", "192.0.2.21"],
    "AAAA": ["2001:db8::1"],
    "MX": ["10 mx1.records.example."],
    "NS": ["ns1.records.example."],
    "TXT": ['"v=spf1 " "-all"'],
}


def _reply(wire: bytes) -> bytes | None:
    """up.example. A has an address, records.example. has RECORDS, alias.example. is a CNAME
    of up.example., empty.example. has no records, broken.example. fails, slow.example. is
    never answered, every other name does not exist."""
    query = dns.message.from_wire(wire)
    question = query.question[0]
    name, kind = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
    if name == "slow.example.":
        return None
    response = dns.message.make_response(query)
    if name == "up.example." and kind == "A":
        response.answer.append(dns.rrset.from_text(name, 60, "IN", "A", UP_ADDRESS))
    elif name == "records.example." and kind in RECORDS:
        response.answer.append(dns.rrset.from_text_list(name, 60, "IN", kind, RECORDS[kind]))
    elif name == "alias.example." and kind == "CNAME":
        response.answer.append(dns.rrset.from_text(name, 60, "IN", "CNAME", "up.example."))
    elif name == "broken.example.":
        response.set_rcode(dns.rcode.SERVFAIL)
    elif name not in ("up.example.", "empty.example.", "records.example.", "alias.example."):
        response.set_rcode(dns.rcode.NXDOMAIN)
    return response.to_wire()


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        answer = _reply(data)
        if answer is not None:
            sock.sendto(answer, self.client_address)


class _TcpHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        (length,) = struct.unpack("!H", self.rfile.read(2))
        answer = _reply(self.rfile.read(length))
        if answer is not None:
            self.wfile.write(struct.pack("!H", len(answer)) + answer)


def _servers() -> tuple[socketserver.ThreadingUDPServer, socketserver.ThreadingTCPServer]:
    # TCP must share the UDP port, which another process may hold: try a few ports.
    for _ in range(10):
        udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _UdpHandler)
        try:
            tcp = socketserver.ThreadingTCPServer(udp.server_address, _TcpHandler)
        except OSError:
            udp.server_close()
            continue
        return udp, tcp
    raise RuntimeError("no free port for both UDP and TCP")


@contextmanager
def dns_server() -> Iterator[int]:
    """A DNS responder on 127.0.0.1; yields its port (the same for UDP and TCP)."""
    servers = _servers()
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield servers[0].server_address[1]
    for server in servers:
        server.shutdown()
        server.server_close()
