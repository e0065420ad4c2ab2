#!/usr/bin/env python3
"""Floods a collectd network receiver with value lists of distinct names while a real series keeps reporting.

Usage: flood_names.py HOST PORT NAMES TAIL_SECONDS [DATAGRAMS_PER_SECOND]
Every flood value list has a new plugin instance and a new type instance (two new names each) in a new plugin
every 1000 lists, so NAMES names take NAMES / 2 value lists, packed into datagrams of at most 1400 bytes. Every
0.25 s, during the flood and for TAIL_SECONDS after it, one datagram carries the real series: host compute-0,
plugin load, type load, values (sequence number, 1, 2). With DATAGRAMS_PER_SECOND the flood is paced to that rate
(so a slower receiver, such as a debug build, takes every datagram), else sent as fast as the socket takes it. Prints 'flood: N datagrams, M value lists, S s' and
'real: last sequence K'.
"""
import socket
import struct
import sys
import time


def part_string(kind, text):
    data = text.encode() + b"\0"
    return struct.pack(">HH", kind, 4 + len(data)) + data


def part_number(kind, number):
    return struct.pack(">HHQ", kind, 12, number)


def part_gauges(values):
    return (struct.pack(">HHH", 6, 4 + 2 + 9 * len(values), len(values)) + bytes([1] * len(values))
            + b"".join(struct.pack("<d", value) for value in values))


def hires(seconds):
    return int(seconds * (1 << 30))


def real_datagram(sequence):
    return (part_string(0, "compute-0") + part_number(8, hires(time.time())) + part_number(9, hires(2))
            + part_string(2, "load") + part_string(3, "") + part_string(4, "load") + part_string(5, "")
            + part_gauges([float(sequence), 1.0, 2.0]))


def main():
    host, port, names, tail = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    rate = float(sys.argv[5]) if len(sys.argv) > 5 and float(sys.argv[5]) > 0 else None
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = (host, port)
    sequence = 0
    next_real = 0.0
    datagrams = 0
    lists = 0
    started = time.time()

    def send_real_when_due(now):
        nonlocal sequence, next_real
        if now >= next_real:
            sequence += 1
            sock.sendto(real_datagram(sequence), target)
            next_real = now + 0.25

    total_lists = names // 2
    while lists < total_lists:
        now = time.time()
        send_real_when_due(now)
        packet = bytearray(part_string(0, "flood-host") + part_number(8, hires(now)) + part_number(9, hires(2))
                           + part_string(4, "gauge"))
        plugin = None
        while lists < total_lists and len(packet) < 1340:
            if lists // 1000 != plugin:
                plugin = lists // 1000
                packet += part_string(2, "flood%d" % plugin)
            packet += part_string(3, "pi%09d" % lists) + part_string(5, "ti%09d" % lists) + part_gauges([1.0])
            lists += 1
        try:
            sock.sendto(bytes(packet), target)
        except OSError:
            pass
        datagrams += 1
        if rate is not None:
            ahead = started + datagrams / rate - time.time()
            if ahead > 0:
                time.sleep(ahead)
        elif datagrams % 64 == 0:
            # keep the socket buffer from overflowing at once: the receiver drops what it cannot take
            time.sleep(0.0005)
    flood_seconds = time.time() - started
    end = time.time() + tail
    while time.time() < end:
        send_real_when_due(time.time())
        time.sleep(0.01)
    print("flood: %d datagrams, %d value lists, %.1f s" % (datagrams, lists, flood_seconds))
    print("real: last sequence %d" % sequence)


if __name__ == "__main__":
    main()
