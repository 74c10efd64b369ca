"""What a standard mDNS client sees of a Pigeon node (test/net/mdns-citizen.test.ts): Debian's
python3-zeroconf browsing, listing service types and resolving, plus raw queries for the cases
zeroconf does not show (legacy unicast from a port other than 5353, known-answer suppression,
a QU question). Run inside a test namespace; prints one JSON object.

usage: mdns_probe.py <service type, e.g. _pigeon._udp.local.> <instance name or "">
"""
import json
import socket
import struct
import sys
import time

from zeroconf import ServiceBrowser, Zeroconf, ZeroconfServiceTypes

SERVICE = sys.argv[1]
GROUP = ("224.0.0.251", 5353)
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux <netinet/in.h>; absent from some builds


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(qid, name, qtype=12, qu=False, known=None):
    klass = 1 | (0x8000 if qu else 0)
    body = encode_name(name) + struct.pack("!HH", qtype, klass)
    answers = b""
    for rname, rdata, ttl in known or []:
        data = encode_name(rdata)
        answers += encode_name(rname) + struct.pack("!HHIH", 12, 1, ttl, len(data)) + data
    header = struct.pack("!HHHHHH", qid, 0, 1, len(known or []), 0, 0)
    return header + body + answers


def read_answers(packet):
    """(id, flags, [(name, type, ttl)]) of a response, names decompressed."""

    def name_at(offset):
        labels, jumped, end = [], False, offset
        while True:
            length = packet[offset]
            if length & 0xC0 == 0xC0:
                if not jumped:
                    end = offset + 2
                offset = ((length & 0x3F) << 8) | packet[offset + 1]
                jumped = True
                continue
            if length == 0:
                return ".".join(labels), (end if jumped else offset + 1)
            labels.append(packet[offset + 1 : offset + 1 + length].decode())
            offset += 1 + length

    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", packet[:12])
    offset = 12
    for _ in range(qd):
        _, offset = name_at(offset)
        offset += 4
    records = []
    for _ in range(an + ns + ar):
        name, offset = name_at(offset)
        rtype, _, ttl, length = struct.unpack("!HHIH", packet[offset : offset + 10])
        offset += 10 + length
        records.append((name, rtype, ttl))
    return qid, flags, records


def legacy(packet_bytes, wait=1.5):
    """Send from an ephemeral port; collect the unicast replies."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 0))
    sock.settimeout(0.2)
    sock.sendto(packet_bytes, GROUP)
    replies, deadline = [], time.time() + wait
    while time.time() < deadline:
        try:
            data, _ = sock.recvfrom(9000)
            replies.append(read_answers(data))
        except socket.timeout:
            pass
    sock.close()
    return replies


def qu_reply(instance_ptr, wait=1.5):
    """A QU question from port 5353: is a reply addressed to me (unicast), not the group?"""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", 5353))
    sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    sock.settimeout(0.2)
    sock.sendto(query(0, SERVICE, qu=True), GROUP)
    unicast, deadline = False, time.time() + wait
    while time.time() < deadline:
        try:
            data, ancdata, _, _ = sock.recvmsg(9000, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        if struct.unpack("!H", data[2:4])[0] & 0x8000 == 0:
            continue  # a query (ours, looped back)
        for level, kind, value in ancdata:
            if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                destination = socket.inet_ntoa(value[8:12])
                if destination != GROUP[0] and any(
                    r[0] == instance_ptr for r in read_answers(data)[2]
                ):
                    unicast = True
    sock.close()
    return unicast


result = {}
zc = Zeroconf()
found = []
ServiceBrowser(zc, SERVICE, handlers=[lambda **kw: found.append(kw["name"])])
deadline = time.time() + 10
while not found and time.time() < deadline:
    time.sleep(0.1)
result["browsed"] = sorted(set(found))
result["types"] = sorted(ZeroconfServiceTypes.find(zc=zc, timeout=2))
if found:
    info = zc.get_service_info(SERVICE, found[0], timeout=5000)
    if info is not None:
        result["port"] = info.port
        result["server"] = info.server
        result["addresses"] = info.parsed_addresses()
        result["txt"] = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
zc.close()

if found:
    instance = found[0].rstrip(".")
    service = SERVICE.rstrip(".")
    plain = legacy(query(0x1234, SERVICE))
    result["legacy"] = [
        {"id": qid, "records": [[n, t, ttl] for n, t, ttl in records]} for qid, _, records in plain
    ]
    # 4000 s left of 4500: more than half, so RFC 6762 §7.1 says do not answer
    suppressed = legacy(query(0x2345, SERVICE, known=[(service, instance, 4000)]))
    result["legacy_with_known_answer"] = len(suppressed)
    result["qu_unicast"] = qu_reply(instance)
print(json.dumps(result))
