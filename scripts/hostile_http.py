#!/usr/bin/env python3
"""Hostile HTTP driver for a running ves-listener (Python 3 standard library only).

Sends a seeded mix of valid VES events (1.1, 5.4.1, 7.2.1, single and batch) and hostile requests (garbage, bit
flips, huge and many headers, lying Content-Length, chunked bombs, deep JSON, huge numbers, invalid UTF-8,
pipelining, slow clients, half-closed and reset sockets) while holding many idle connections open. Classifies every
request as answered (with its status), closed by the listener, hung (nothing within the deadline) or aborted (the
driver reset it on purpose). At the end it checks that the listener is alive, answers /healthz, and that every event
answered 202 is in the record file exactly once (by eventId) and in GET /testControl/v1/events.

Exit status: 0 when nothing hung, the listener lived, every valid request on a fresh connection got 202 and no
accepted event was lost or doubled; 1 otherwise; 2 on a usage error. scripts/hostile-http.sh builds and starts the
listener and runs this; run it yourself with --url and --pid against a listener you started.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import http.client
import json
import os
import random
import socket
import statistics
import struct
import sys
import time
import urllib.parse

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # records hold the huge numbers the driver sent

# ---------------------------------------------------------------------------------------------------------------
# Events (written for this test from the VES specs' required fields; every eventId unique in a run)


class Ids:
    def __init__(self, run):
        self.run = run
        self.counter = 0

    def next(self, prefix):
        self.counter += 1
        return f"{prefix}-{self.run}-{self.counter}"


def now_us():
    return int(time.time() * 1_000_000)


def event_v1(event_id, rng):
    t = now_us()
    source = "hostile-vm-%d" % rng.randrange(50)
    header = {
        "domain": "fault",
        "eventId": event_id,
        "functionalRole": "hostile-driver",
        "lastEpochMicrosec": t,
        "priority": "Normal",
        "reportingEntityId": "hostile-host",
        "reportingEntityName": "hostile-host",
        "sequence": rng.randrange(0, 1 << 31),
        "sourceId": source,
        "sourceName": source,
        "startEpochMicrosec": t - 1_000_000,
        "version": 1.1,
    }
    if rng.random() < 0.3:
        header["domain"] = "heartbeat"
        return {"commonEventHeader": header}
    return {
        "commonEventHeader": header,
        "faultFields": {
            "alarmCondition": "linkDown",
            "eventSeverity": rng.choice(["CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"]),
            "eventSourceType": "virtualMachine(8)",
            "specificProblem": "interface eth0 down",
            "vfStatus": "Active",
            "faultFieldsVersion": 1.1,
        },
    }


def event_with_name(event_id, rng, versions):
    """A 5.4.1 or 7.2.1 heartbeat or fault event; versions holds the header's version fields and the field blocks'
    versions, which is where the two differ."""
    t = now_us()
    header = {
        "domain": "heartbeat",
        "eventId": event_id,
        "eventName": "heartbeat_hostile",
        "lastEpochMicrosec": t,
        "priority": "Normal",
        "reportingEntityName": "hostile-host",
        "sequence": rng.randrange(0, 1 << 31),
        "sourceName": "hostile-nf-%d" % rng.randrange(50),
        "startEpochMicrosec": t - 1_000_000,
    }
    header.update(versions["header"])
    if rng.random() < 0.5:
        return {"commonEventHeader": header,
                "heartbeatFields": {"heartbeatFieldsVersion": versions["heartbeat"], "heartbeatInterval": 60}}
    header["domain"] = "fault"
    header["eventName"] = "fault_hostile"
    return {
        "commonEventHeader": header,
        "faultFields": {
            "alarmCondition": "linkDown",
            "eventSeverity": rng.choice(["CRITICAL", "MAJOR", "MINOR", "WARNING"]),
            "eventSourceType": "virtualMachine",
            "faultFieldsVersion": versions["fault"],
            "specificProblem": "interface eth1 down",
            "vfStatus": "Active",
        },
    }


def event_v5(event_id, rng):  # 5.4.1 writes its versions as numbers
    return event_with_name(event_id, rng, {"header": {"version": 3.0}, "heartbeat": 1.0, "fault": 2.0})


def event_v7(event_id, rng):
    return event_with_name(event_id, rng, {"header": {"version": "4.1", "vesEventListenerVersion": "7.2.1"},
                                           "heartbeat": "3.0", "fault": "4.0"})


BUILDERS = {"v1": event_v1, "v5": event_v5, "v7": event_v7}


def dumps(value):
    return json.dumps(value, separators=(",", ":")).encode()


def http_request(method, path, body=b"", headers=None, host="127.0.0.1", keep_alive=False):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if headers is None:
        headers = [("Content-Type", "application/json")]
    lines += [f"{k}: {v}" for k, v in headers]
    if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class Valid:
    """A valid request and the eventIds it carries."""

    def __init__(self, ctx, prefix="ok", version=None, batch=None):
        rng = ctx.rng
        version = version or rng.choice(["v1", "v5", "v7"])
        batch = (rng.random() < 0.2) if batch is None else batch
        if batch:
            count = rng.randrange(2, 6)
            ids = [ctx.ids.next(prefix) for _ in range(count)]
            if version == "v7":  # the items of a 7.x batch share one domain
                first = event_v7(ids[0], rng)
                items = [first]
                for i in ids[1:]:
                    item = event_v7(i, rng)
                    while item["commonEventHeader"]["domain"] != first["commonEventHeader"]["domain"]:
                        item = event_v7(i, rng)
                    items.append(item)
            else:
                items = [BUILDERS[version](i, rng) for i in ids]
            self.body = dumps({"eventList": items})
            self.path = f"/eventListener/{version}/eventBatch"
        else:
            ids = [ctx.ids.next(prefix)]
            self.body = dumps({"event": BUILDERS[version](ids[0], rng)})
            self.path = f"/eventListener/{version}"
            if rng.random() < 0.1:
                self.path += "/hostile-topic"
        self.ids = ids
        self.version = version

    def request(self, keep_alive=False):
        return http_request("POST", self.path, self.body, keep_alive=keep_alive)


# ---------------------------------------------------------------------------------------------------------------
# HTTP client pieces


class Closed(Exception):
    pass


class Hung(Exception):
    pass


async def read_response(reader, deadline):
    """One response: (status, body). Raises Closed on EOF/reset before a full status line, Hung at the deadline."""

    async def timed(coro):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Hung()
        try:
            return await asyncio.wait_for(coro, remaining)
        except asyncio.TimeoutError:
            raise Hung()

    while True:
        try:
            head = await timed(reader.readuntil(b"\r\n\r\n"))
        except asyncio.IncompleteReadError as error:
            raise Closed(error.partial[:80])
        except asyncio.LimitOverrunError:
            raise Closed(b"header too long")
        except (ConnectionError, OSError):
            raise Closed(b"reset")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            raise Closed(b"bad status line " + lines[0][:60])
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                headers[k.strip().lower()] = v.strip()
        body = b""
        try:
            if b"content-length" in headers:
                length = int(headers[b"content-length"])
                if length:
                    body = await timed(reader.readexactly(length))
            elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                chunks = []
                while True:
                    size_line = await timed(reader.readuntil(b"\r\n"))
                    size = int(size_line.split(b";")[0].strip(), 16)
                    if size == 0:
                        await timed(reader.readuntil(b"\r\n"))
                        break
                    chunks.append(await timed(reader.readexactly(size + 2))[:-2])
                body = b"".join(chunks)
            elif status not in (204, 304) and status >= 200:
                body = await timed(reader.read())
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass  # the status is what counts; the body may be cut by a close
        if 100 <= status < 200:
            continue
        return status, body


async def connect(ctx):
    """A connection, or Hung when the listener does not accept within the deadline (its backlog full because it
    stopped accepting); OSError when refused."""
    try:
        return await asyncio.wait_for(asyncio.open_connection(ctx.host, ctx.port, limit=1 << 20), ctx.deadline)
    except asyncio.TimeoutError:
        raise Hung()


def close_quietly(writer):
    try:
        writer.transport.abort() if writer.transport is not None else None
    except Exception:
        pass


def reset(writer):
    sock = writer.get_extra_info("socket")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


SEND_TIMEOUT = [10.0]  # the deadline; set in main


async def send(writer, data):
    """Writes; returns False when the peer has closed or reset, or has not read for the deadline (whether it
    answered is for the read that follows to tell)."""
    try:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), SEND_TIMEOUT[0])
        return True
    except asyncio.TimeoutError:
        return False
    except (ConnectionError, OSError):
        return False


class Outcome:
    __slots__ = ("case", "result", "status", "ids", "valid_fresh", "latency", "variant")

    def __init__(self, case, result, status=None, ids=None, valid_fresh=False, latency=0.0, variant=None):
        self.case = case
        self.variant = variant  # which form of the case (a header value, a size) for the breakdown
        self.result = result  # answered, closed, hung, aborted, refused
        self.status = status
        self.ids = ids or []  # eventIds sent intact: checked in the record when the answer is 202
        self.valid_fresh = valid_fresh  # a valid request on a fresh connection: must be answered 202
        self.latency = latency


async def exchange(ctx, case, data, ids=None, valid_fresh=False, after_send=None, variant=None):
    """Opens a connection, sends data, reads one answer."""
    start = time.monotonic()
    try:
        reader, writer = await connect(ctx)
    except OSError:
        return [Outcome(case, "refused", ids=ids, valid_fresh=valid_fresh, variant=variant)]
    try:
        await send(writer, data)
        if after_send:
            after_send(writer)
        status, _ = await read_response(reader, time.monotonic() + ctx.deadline)
        return [Outcome(case, "answered", status, ids, valid_fresh, time.monotonic() - start, variant)]
    except Closed:
        return [Outcome(case, "closed", ids=ids, valid_fresh=valid_fresh, variant=variant)]
    except Hung:
        ctx.hung_samples.append((case, variant, data[:300]))
        return [Outcome(case, "hung", ids=ids, valid_fresh=valid_fresh, variant=variant)]
    finally:
        close_quietly(writer)


# ---------------------------------------------------------------------------------------------------------------
# Cases: each returns a list of Outcome (one per HTTP request it counts)


async def case_valid(ctx):
    valid = Valid(ctx, batch=False)
    return await exchange(ctx, "valid-" + valid.version, valid.request(), valid.ids, True)


async def case_valid_batch(ctx):
    valid = Valid(ctx, batch=True)
    return await exchange(ctx, "valid-batch", valid.request(), valid.ids, True)


async def sequence_on_one_connection(ctx, case, requests, pipelined):
    """Several valid requests on one keep-alive connection, written at once (pipelined) or one after another."""
    outcomes = []
    try:
        reader, writer = await connect(ctx)
    except OSError:
        return [Outcome(case, "refused", ids=v.ids) for v in requests]
    try:
        if pipelined:
            await send(writer, b"".join(v.request(keep_alive=True) for v in requests))
        for v in requests:
            if not pipelined and not await send(writer, v.request(keep_alive=True)):
                pass  # the read below tells what happened
            try:
                status, _ = await read_response(reader, time.monotonic() + ctx.deadline)
                outcomes.append(Outcome(case, "answered", status, v.ids))
            except Closed:
                outcomes.append(Outcome(case, "closed", ids=v.ids))
                break
            except Hung:
                outcomes.append(Outcome(case, "hung", ids=v.ids))
                break
        for v in requests[len(outcomes):]:
            outcomes.append(Outcome(case, "closed", ids=v.ids))
        return outcomes
    finally:
        close_quietly(writer)


async def case_keepalive(ctx, count):
    return await sequence_on_one_connection(ctx, "keep-alive", [Valid(ctx) for _ in range(count)], False)


async def case_pipeline(ctx, count):
    return await sequence_on_one_connection(ctx, "pipelined", [Valid(ctx) for _ in range(count)], True)


async def case_garbage(ctx):
    rng = ctx.rng
    kind = rng.random()
    if kind < 0.5:
        data = rng.randbytes(rng.randrange(1, 4096))
    elif kind < 0.8:  # a plausible request line, then garbage
        data = b"POST /eventListener/v1 HTTP/1.1\r\n" + rng.randbytes(rng.randrange(1, 2048))
    else:  # garbage ending like a header block, so the server has to decide
        data = rng.randbytes(rng.randrange(1, 512)) + b"\r\n\r\n"
    return await exchange(ctx, "garbage", data, variant=("random bytes", "request line + garbage", "garbage + CRLFCRLF")[
        0 if kind < 0.5 else 1 if kind < 0.8 else 2])


async def case_bitflip(ctx):
    rng = ctx.rng
    data = bytearray(Valid(ctx, prefix="bf").request())
    for _ in range(rng.randrange(1, 9)):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    return await exchange(ctx, "bit-flipped", bytes(data))


async def case_huge_header(ctx):
    valid = Valid(ctx, prefix="hh")
    size = ctx.rng.choice([81 * 1024, 100 * 1024, 1024 * 1024])
    headers = [("Content-Type", "application/json"), ("X-Hostile", "a" * size)]
    return await exchange(ctx, "huge-header", http_request("POST", valid.path, valid.body, headers),
                          variant=f"{size // 1024} KiB")


async def case_many_headers(ctx):
    valid = Valid(ctx, prefix="mh")
    count = ctx.rng.choice([1001, 5000, 20000])
    headers = [("Content-Type", "application/json")] + [(f"X-H{i}", "v") for i in range(count)]
    return await exchange(ctx, "many-headers", http_request("POST", valid.path, valid.body, headers),
                          variant=f"{count} headers")


async def case_long_url(ctx):
    size = ctx.rng.choice([8 * 1024, 90 * 1024])
    path = "/eventListener/v1/" + "t" * size
    valid = Valid(ctx, prefix="lu", version="v1", batch=False)
    return await exchange(ctx, "long-url", http_request("POST", path, valid.body), variant=f"{size // 1024} KiB topic")


async def case_cl_more(ctx):
    valid = Valid(ctx, prefix="clm")
    more = ctx.rng.choice([1, 100, 10**6])
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(valid.body) + more))]
    return await exchange(ctx, "length-more-than-sent", http_request("POST", valid.path, valid.body, headers),
                          variant=f"{more} more")


async def case_cl_less(ctx):
    valid = Valid(ctx, prefix="cll")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(ctx.rng.randrange(0, len(valid.body))))]
    return await exchange(ctx, "length-less-than-sent", http_request("POST", valid.path, valid.body, headers))


async def case_cl_bad(ctx):
    valid = Valid(ctx, prefix="clb")
    value = ctx.rng.choice(["-1", "99999999999999999999999", "0x10", "1e3", " 12 ", "18446744073709551616", "abc"])
    headers = [("Content-Type", "application/json"), ("Content-Length", value)]
    return await exchange(ctx, "length-invalid", http_request("POST", valid.path, valid.body, headers),
                          variant=repr(value))


async def case_smuggle(ctx):
    valid = Valid(ctx, prefix="sm")
    body = valid.body
    choice = ctx.rng.randrange(4)
    variant = ("CL + TE chunked (body not chunked)", "two different CL", "TE 'chunked, identity'",
               "TE 'gzip, chunked'")[choice]
    if choice == 0:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked")]
    elif choice == 1:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Content-Length", "5")]
    elif choice == 2:
        headers = [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked, identity")]
    else:
        headers = [("Content-Type", "application/json"), ("Transfer-Encoding", "gzip, chunked")]
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    return await exchange(ctx, "smuggling-headers", http_request("POST", valid.path, body, headers), variant=variant)


async def case_chunked_endless(ctx):
    """Chunks without end (16 KiB each) until the server answers or closes, or 64 MiB went out."""
    start = time.monotonic()
    try:
        reader, writer = await connect(ctx)
    except OSError:
        return [Outcome("chunked-endless", "refused")]
    try:
        head = http_request("POST", "/eventListener/v1", None,
                            [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
        chunk = b"4000\r\n" + b'{"event":' + b" " * (16384 - 9) + b"\r\n"
        answer = asyncio.ensure_future(read_response(reader, start + 64 + ctx.deadline))
        sent = 0
        if await send(writer, head):
            while not answer.done() and sent < 64 << 20 and time.monotonic() - start < 60:
                if not await send(writer, chunk):
                    break
                sent += len(chunk)
        try:
            status, _ = await asyncio.wait_for(answer, ctx.deadline)
            return [Outcome("chunked-endless", "answered", status, latency=time.monotonic() - start)]
        except Closed:
            return [Outcome("chunked-endless", "closed")]
        except (Hung, asyncio.TimeoutError):
            ctx.hung_samples.append(("chunked-endless", None, head + chunk[:40] + b"... (%d bytes sent)" % sent))
            return [Outcome("chunked-endless", "hung")]
    finally:
        close_quietly(writer)


async def case_chunked_huge(ctx):
    size = ctx.rng.choice(["ffffffffffffffff", "fffffffffffffffffffffff", "7fffffffffffffff", "100000000", "-1",
                           "40000000", "zz"])
    head = http_request("POST", "/eventListener/v7", None,
                        [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
    data = head + size.encode() + b"\r\n" + b'{"event":{' + b"x" * ctx.rng.choice([10, 70000])
    return await exchange(ctx, "chunked-huge-size", data, variant=f"size {size}")


async def case_deep_json(ctx):
    depth = ctx.rng.choice([100, 1100, 100_000, 500_000])
    opener, closer = ctx.rng.choice([(b"[", b"]"), (b'{"a":', b"}")])
    body = b'{"event":' + opener * depth + b"1" + closer * depth + b"}"
    return await exchange(ctx, "deep-json", http_request("POST", "/eventListener/v5", body),
                          variant=f"{depth} x {opener.decode()}")


async def case_huge_numbers(ctx):
    valid = Valid(ctx, prefix="num", batch=False)
    text = valid.body.decode()
    number = ctx.rng.choice(["9" * 400, "-" + "9" * 400, "1e400", "-1e400", "1e-400", "1" + "0" * 100000,
                             "0." + "0" * 50000 + "1", "1e999999999999999999", "-0", "18446744073709551616"])
    text = text.replace('"sequence":', '"sequence":' + number + ',"x":', 1) if ctx.rng.random() < 0.5 else \
        text.replace('"lastEpochMicrosec":', '"lastEpochMicrosec":' + number + ',"y":', 1)
    # The inserted members make the event invalid (extra or duplicate-free unknown fields are allowed in some
    # versions): what matters is that the number is parsed and the answer comes. Ids are not checked.
    return await exchange(ctx, "huge-numbers", http_request("POST", valid.path, text.encode()),
                          variant=number if len(number) < 24 else f"{number[:8]}... ({len(number)} chars)")


async def case_invalid_utf8(ctx):
    valid = Valid(ctx, prefix="u8", batch=False)
    bad = ctx.rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82"])
    body = valid.body.replace(b"hostile-host", b"hostile" + bad + b"host", 1)
    return await exchange(ctx, "invalid-utf8", http_request("POST", valid.path, body), variant=bad.hex())


async def case_invalid_event(ctx):
    """Well-formed JSON that breaks the schema (a required field missing, a wrong type)."""
    valid = Valid(ctx, prefix="inv", batch=False)
    doc = json.loads(valid.body)
    header = doc["event"]["commonEventHeader"]
    if ctx.rng.random() < 0.5:
        del header["sourceName"]
    else:
        header["sequence"] = "not a number"
    return await exchange(ctx, "schema-invalid", http_request("POST", valid.path, dumps(doc)))


async def case_big_body(ctx):
    size = ctx.rng.choice([(1 << 20) + 1, 3 << 20])
    body = b'{"event":{"x":"' + b"a" * (size - 17) + b'"}}'
    return await exchange(ctx, "body-over-max", http_request("POST", "/eventListener/v1", body),
                          variant=f"{size} bytes")


async def case_batch_bomb(ctx):
    """About 1 MiB of eventList items that are not events (review H2)."""
    count = ctx.rng.choice([10_000, 200_000, 500_000])
    body = b'{"eventList":[' + b",".join([b"0"] * count) + b"]}"
    return await exchange(ctx, "batch-bomb", http_request("POST", "/eventListener/v1/eventBatch", body),
                          variant=f"{count} items")


async def case_methods(ctx):
    rng = ctx.rng
    method = rng.choice(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT", "FOO", "P\x00ST"])
    path = rng.choice(["/eventListener/v1", "/eventListener/v9", "/favicon.ico", "/../../etc/passwd",
                       "/eventListener/v7/clientThrottlingState", "/eventListener/v1/%00%ff", "*",
                       "/eventListener//v5//eventBatch/", "http://example.com/eventListener/v1"])
    body = b"" if method in ("GET", "HEAD", "TRACE", "CONNECT") else b"{}"
    data = http_request(method, path, body)
    return await exchange(ctx, "odd-method-or-path", data, variant=f"{method!r} {path}")


async def slow_send(writer, data, pause, size=1):
    for i in range(0, len(data), size):
        if not await send(writer, data[i:i + size]):
            return False
        await asyncio.sleep(pause)
    return True


def slow_valid_blocking(host, port, data, pause, deadline):
    """In a thread of its own, so that the pauses between bytes are kept however busy the event loop is: sends data
    one byte at a time, then reads the status. Returns (result, status, seconds the headers took, bytes sent)."""
    head_end = data.index(b"\r\n\r\n") + 4
    start = time.monotonic()
    head_seconds = None
    sent = 0
    try:
        sock = socket.create_connection((host, port), timeout=deadline)
    except socket.timeout:
        return "hung", None, None, 0
    except OSError:
        return "refused", None, None, 0
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for i in range(len(data)):
                sock.sendall(data[i:i + 1])
                sent = i + 1
                if sent == head_end:
                    head_seconds = time.monotonic() - start
                time.sleep(pause)
        except OSError:
            pass  # closed or reset: the read tells
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    return "closed", None, head_seconds, sent
                answer += chunk
        except socket.timeout:
            return "hung", None, head_seconds, sent
        except OSError:
            return "closed", None, head_seconds, sent
        try:
            return "answered", int(answer.split(b" ", 2)[1]), head_seconds, sent
        except (IndexError, ValueError):
            return "closed", None, head_seconds, sent
    finally:
        sock.close()


async def case_slow_valid(ctx):
    """A valid request one byte at a time, with pauses, its headers done well inside the idle timeout: must get 202.
    The listener gives the request line and headers the idle timeout in all; should the driver still be too slow to
    send them in that time (a very busy machine), a close is the right answer and is counted apart."""
    valid = Valid(ctx, prefix="slow", batch=False)
    data = valid.request()
    head_end = data.index(b"\r\n\r\n") + 4
    pause = min(0.01, ctx.idle_timeout * 0.25 / head_end)
    start = time.monotonic()
    result, status, head_seconds, sent = await asyncio.get_running_loop().run_in_executor(
        ctx.slow_pool, slow_valid_blocking, ctx.host, ctx.port, data, pause, ctx.deadline)
    if result == "closed":
        if head_seconds is None or head_seconds > ctx.idle_timeout - 0.5:
            return [Outcome("slow-valid", "closed", variant="driver too slow: headers took longer than the idle timeout")]
        ctx.closed_samples.append(("slow-valid", f"closed after {time.monotonic() - start:.1f} s, {sent} of "
                                   f"{len(data)} bytes sent, headers in {head_seconds:.1f} s, pause "
                                   f"{pause * 1000:.1f} ms", data[:300]))
    return [Outcome("slow-valid", result, status, valid.ids, True, time.monotonic() - start)]


async def slow_forever(ctx, case, head, pause):
    """Sends head, then one byte per pause for ever: the listener must close (or answer) before the deadline
    (idle timeout + 5 s after the first byte), else the request is hung."""
    start = time.monotonic()
    try:
        reader, writer = await connect(ctx)
    except OSError:
        return [Outcome(case, "refused")]
    try:
        answer = asyncio.ensure_future(read_response(reader, start + ctx.deadline))
        if await send(writer, head):
            while not answer.done() and time.monotonic() - start < ctx.deadline:
                if not await send(writer, b" " if case.endswith("body") else b"X"):
                    break
                await asyncio.sleep(pause)
        try:
            status, _ = await answer
            return [Outcome(case, "answered", status, latency=time.monotonic() - start)]
        except Closed:
            return [Outcome(case, "closed", latency=time.monotonic() - start)]
        except Hung:
            ctx.hung_samples.append((case, None, head[:300] + b" then one byte every %gs" % pause))
            return [Outcome(case, "hung")]
    finally:
        close_quietly(writer)


async def case_slow_headers(ctx):
    head = b"POST /eventListener/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    return await slow_forever(ctx, "slowloris-headers", head, max(0.2, ctx.idle_timeout * 0.4))


async def case_slow_body(ctx):
    head = http_request("POST", "/eventListener/v1", None,
                        [("Content-Type", "application/json"), ("Content-Length", "100000")]) + b'{"event":'
    return await slow_forever(ctx, "slowloris-body", head, max(0.2, ctx.idle_timeout * 0.4))


async def case_half_close(ctx):
    valid = Valid(ctx, prefix="half")
    return await exchange(ctx, "half-closed", valid.request(), valid.ids, after_send=lambda w: w.write_eof())


async def case_reset(ctx):
    """Sends all or part of a valid request, then resets the connection (RST)."""
    valid = Valid(ctx, prefix="rst")
    data = valid.request()
    cut = len(data) if ctx.rng.random() < 0.5 else ctx.rng.randrange(1, len(data))
    try:
        _, writer = await connect(ctx)
    except OSError:
        return [Outcome("reset", "refused")]
    await send(writer, data[:cut])
    if ctx.rng.random() < 0.5:
        await asyncio.sleep(0.001)
    reset(writer)
    return [Outcome("reset", "aborted")]


# name, weight, function, how many requests it sends (a list: one is picked; the function then takes the count)
CASES = [
    ("valid", 40, case_valid, 1),
    ("valid-batch", 8, case_valid_batch, 1),
    ("keep-alive", 3, case_keepalive, [2, 5, 10]),
    ("pipelined", 1.2, case_pipeline, [10, 20, 50]),
    ("garbage", 6, case_garbage, 1),
    ("bit-flipped", 10, case_bitflip, 1),
    ("huge-header", 0.5, case_huge_header, 1),
    ("many-headers", 0.5, case_many_headers, 1),
    ("long-url", 0.3, case_long_url, 1),
    ("length-more-than-sent", 0.3, case_cl_more, 1),
    ("length-less-than-sent", 1.5, case_cl_less, 1),
    ("length-invalid", 1, case_cl_bad, 1),
    ("smuggling-headers", 1, case_smuggle, 1),
    ("chunked-endless", 0.1, case_chunked_endless, 1),
    ("chunked-huge-size", 0.5, case_chunked_huge, 1),
    ("deep-json", 1, case_deep_json, 1),
    ("huge-numbers", 1.5, case_huge_numbers, 1),
    ("invalid-utf8", 1.5, case_invalid_utf8, 1),
    ("schema-invalid", 3, case_invalid_event, 1),
    ("body-over-max", 0.1, case_big_body, 1),
    ("batch-bomb", 0.02, case_batch_bomb, 1),
    ("odd-method-or-path", 2, case_methods, 1),
    ("slow-valid", 0.3, case_slow_valid, 1),
    ("slowloris-headers", 0.03, case_slow_headers, 1),
    ("slowloris-body", 0.03, case_slow_body, 1),
    ("half-closed", 1.5, case_half_close, 1),
    ("reset", 1.5, case_reset, 1),
]


# ---------------------------------------------------------------------------------------------------------------
# Idle connections


class IdlePool:
    """Holds `count` connections open that send nothing; reopens each one the listener closes, and notes how long
    the listener kept it."""

    def __init__(self, ctx, count):
        self.ctx = ctx
        self.count = count
        self.open = 0
        self.opened = 0
        self.failed = 0
        self.closed_after = []
        self.stopping = False
        self.tasks = []

    async def hold(self, index):
        await asyncio.sleep(index * 0.002)  # spread the connects
        while not self.stopping:
            try:
                reader, writer = await connect(self.ctx)
            except (OSError, Hung):
                self.failed += 1
                await asyncio.sleep(0.5)
                continue
            self.opened += 1
            self.open += 1
            start = time.monotonic()
            try:
                await reader.read(1)  # returns at EOF (or on a stray byte)
            except (ConnectionError, OSError):
                pass
            except asyncio.CancelledError:
                self.open -= 1
                close_quietly(writer)
                raise
            self.open -= 1
            self.closed_after.append(time.monotonic() - start)
            close_quietly(writer)

    def start(self):
        self.tasks = [asyncio.ensure_future(self.hold(i)) for i in range(self.count)]

    async def stop(self):
        self.stopping = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


# ---------------------------------------------------------------------------------------------------------------
# The run


def rss(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line.split(":")[0]] = int(line.split()[1]) // 1024
    except OSError:
        pass
    return values


def alive(pid):
    if pid is None:
        return True
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("State:"):
                    return "Z" not in line.split()[1]
    except OSError:
        return False
    return True


def control_get(ctx, path, timeout=120):
    connection = http.client.HTTPConnection(ctx.host, ctx.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Content-Type": "application/json", "Host": f"127.0.0.1:{ctx.port}",
                                                 "Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Context:
    pass


async def run(ctx, args):
    rng = ctx.rng
    chosen = [c for c in CASES if (not args.only or c[0] in args.only.split(","))
              and c[0] not in (args.skip or "").split(",")]
    names = [c[0] for c in chosen]
    weights = [c[1] for c in chosen]
    functions = {c[0]: c[2] for c in CASES}
    outcomes = []
    results = collections.Counter()
    state = {"sent": 0, "next_progress": 10_000, "planned": 0}
    started = time.monotonic()
    rss_start = rss(args.pid)
    peak = [rss_start.get("VmRSS", 0)]

    pool = IdlePool(ctx, args.idle_connections)
    pool.start()
    if args.idle_connections:
        # wait until the idle connections are held before the run starts
        wait_until = time.monotonic() + 30
        while pool.open < args.idle_connections * 0.95 and time.monotonic() < wait_until:
            await asyncio.sleep(0.1)
    print(f"hostile-http: {pool.open} idle connections held; sending {args.requests} requests with "
          f"{args.concurrency} at a time (seed {args.seed}, deadline {ctx.deadline:.0f} s)", flush=True)
    started = time.monotonic()
    sizes = {c[0]: c[3] for c in CASES}

    def progress():
        while state["sent"] >= state["next_progress"]:
            elapsed = time.monotonic() - started
            memory = rss(args.pid).get("VmRSS", 0)
            peak[0] = max(peak[0], memory)
            print(f"  {state['next_progress']:>7} requests  {elapsed:6.1f} s  answered {results['answered']}, "
                  f"closed {results['closed']}, hung {results['hung']}, aborted {results['aborted']}, refused "
                  f"{results['refused']}; idle held {pool.open}; listener RSS {memory} MiB"
                  f"{'' if alive(args.pid) else '  LISTENER EXITED'}", flush=True)
            state["next_progress"] += 10_000

    async def worker():
        while state["planned"] < args.requests:
            name = rng.choices(names, weights)[0]
            size = sizes[name]
            if isinstance(size, list):
                size = min(rng.choice(size), args.requests - state["planned"])
                call = functions[name](ctx, size)
            else:
                call = functions[name](ctx)
            state["planned"] += size
            try:
                got = await call
            except Hung:  # the listener did not accept the connection within the deadline
                got = [Outcome(name, "hung", variant="connection not accepted")] * size
                ctx.hung_samples.append((name, "connection not accepted", b""))
            except Exception as error:  # a driver bug must not pass for a listener result
                print(f"driver error in {name}: {error!r}", file=sys.stderr)
                got = [Outcome(name, "driver-error")]
            for outcome in got:
                outcomes.append(outcome)
                results[outcome.result] += 1
            state["sent"] += len(got)
            progress()

    async def watchdog():  # says so when nothing finishes for a while (a stalled listener)
        last, quiet = state["sent"], 0
        while True:
            await asyncio.sleep(5)
            quiet = quiet + 5 if state["sent"] == last else 0
            last = state["sent"]
            if quiet and quiet % 15 == 0:
                print(f"  no request finished for {quiet} s ({state['sent']} done); listener RSS "
                      f"{rss(args.pid).get('VmRSS', '?')} MiB{'' if alive(args.pid) else ', LISTENER EXITED'}",
                      flush=True)

    guard = asyncio.ensure_future(watchdog())
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    guard.cancel()
    elapsed = time.monotonic() - started
    idle_open_at_end = pool.open
    await pool.stop()
    return outcomes, elapsed, rss_start, peak[0], pool, idle_open_at_end


def events_in_memory(ctx, page=20_000):
    """GET /testControl/v1/events?kind=event&valid=true, page after page while the listener says there is more
    (next_since): (status, last body, eventId counts, pages, events)."""
    in_memory = collections.Counter()
    since, pages, total = None, 0, 0
    while True:
        status, body = control_get(ctx, f"/testControl/v1/events?kind=event&valid=true&limit={page}" +
                                   (f"&since={since}" if since is not None else ""))
        if status != 200:
            return status, body, in_memory, pages, total
        document = json.loads(body)
        pages += 1
        total += document.get("count", 0)
        in_memory.update(e.get("event", {}).get("commonEventHeader", {}).get("eventId")
                         for e in document.get("events", []))
        if not document.get("more") or document.get("next_since") is None or pages > 100_000:
            return status, body, in_memory, pages, total
        since = document["next_since"]


def read_record(path):
    """eventId -> count, eventId -> [(seq, status)], lines, lines that are not JSON (with the first one), last seq."""
    counts = collections.Counter()
    seen = collections.defaultdict(list)
    lines = bad = last_seq = 0
    first_bad = None
    with open(path, "rb") as f:
        for raw in f:
            lines += 1
            try:
                record = json.loads(raw)
            except ValueError:
                bad += 1
                first_bad = first_bad or raw[:200]
                continue
            if isinstance(record.get("seq"), int):
                last_seq = max(last_seq, record["seq"])
            event = record.get("event")
            if isinstance(event, dict):
                header = event.get("commonEventHeader")
                if isinstance(header, dict) and isinstance(header.get("eventId"), str):
                    counts[header["eventId"]] += 1
                    seen[header["eventId"]].append((record.get("seq"), record.get("status")))
    return counts, seen, lines, bad, first_bad, last_seq


def main():
    class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
        pass

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=Formatter)
    parser.add_argument("--url", required=True, help="the listener, http://127.0.0.1:PORT")
    parser.add_argument("--pid", type=int, help="the listener's process id (RSS, liveness)")
    parser.add_argument("--record", help="the listener's --record file, checked at the end")
    parser.add_argument("--requests", type=int, default=100_000, help="requests to send")
    parser.add_argument("--concurrency", type=int, default=200, help="requests in flight at once")
    parser.add_argument("--idle-connections", type=int, default=2000, help="idle connections held during the run")
    parser.add_argument("--idle-timeout", type=float, default=5, help="the listener's --idle-timeout, seconds")
    parser.add_argument("--grace", type=float, default=5, help="seconds past the idle timeout before 'hung'")
    parser.add_argument("--seed", type=int, default=15, help="random seed (the same seed sends the same mix)")
    parser.add_argument("--max-records", type=int, default=100_000,
                        help="the listener's maxRecords: only the newest this many records are checked in memory")
    parser.add_argument("--only", help="send only these cases (comma-separated names from the summary's table)")
    parser.add_argument("--skip", help="leave these cases out (comma-separated)")
    parser.add_argument("--verbose", action="store_true", help="break every case down by its forms")
    parser.add_argument("--json", help="write the summary as JSON to this file too")
    args = parser.parse_args()
    known = {c[0] for c in CASES}
    for option in (args.only, args.skip):
        unknown = [name for name in (option or "").split(",") if name and name not in known]
        if unknown:
            parser.error(f"unknown case {', '.join(unknown)}; known: {', '.join(sorted(known))}")

    url = urllib.parse.urlsplit(args.url)
    ctx = Context()
    ctx.host = url.hostname
    ctx.port = url.port
    ctx.rng = random.Random(args.seed)
    ctx.ids = Ids("%x" % (int(time.time()) & 0xFFFFFF))
    ctx.idle_timeout = args.idle_timeout
    ctx.deadline = args.idle_timeout + args.grace
    SEND_TIMEOUT[0] = ctx.deadline
    ctx.hung_samples = []
    ctx.closed_samples = []  # closed where an answer was due
    ctx.slow_pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)  # slow clients that keep their pace

    outcomes, elapsed, rss_start, rss_peak, pool, idle_open_at_end = asyncio.run(run(ctx, args))

    failures = []
    results = collections.Counter(o.result for o in outcomes)
    statuses = collections.Counter(o.status for o in outcomes if o.result == "answered")
    per_case = collections.defaultdict(collections.Counter)
    for o in outcomes:
        per_case[o.case][o.result if o.result != "answered" else str(o.status)] += 1
    total = len(outcomes)

    print()
    print(f"{total} requests in {elapsed:.1f} s: {total / elapsed:.0f} requests/s, {args.concurrency} at a time, "
          f"{args.idle_connections} idle connections held")
    print("answered " + str(results["answered"]) + " (" +
          ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())) + f"), closed by the listener {results['closed']}, "
          f"hung {results['hung']}, reset by the driver {results['aborted']}, connection refused {results['refused']}"
          + (f", driver errors {results['driver-error']}" if results["driver-error"] else ""))
    print(f"{'case':<24}{'requests':>9}  outcomes")
    per_variant = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    for o in outcomes:
        if o.variant is not None:
            per_variant[o.case][o.variant][o.result if o.result != "answered" else str(o.status)] += 1
    for case in sorted(per_case):
        counts = per_case[case]
        print(f"{case:<24}{sum(counts.values()):>9}  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        # the forms of a case that did not all end alike (all of them with --verbose; a case of many forms, such as
        # the odd methods and paths, only then)
        if args.verbose or (len(counts) > 1 and len(per_variant[case]) <= 12):
            for variant, vcounts in sorted(per_variant[case].items()):
                print(f"    {variant[:40]:<40} " + ", ".join(f"{k} {v}" for k, v in sorted(vcounts.items())))
    for label, samples in (("hung", ctx.hung_samples), ("closed", ctx.closed_samples)):
        shown = set()
        for case, variant, data in samples:  # one example of each form, five at most
            if (case, variant) not in shown and len(shown) < 5:
                shown.add((case, variant))
                print(f"{label}: {case} {variant or ''}: {data!r}")

    hung = [o for o in outcomes if o.result == "hung"]
    if hung:
        failures.append(f"{len(hung)} requests hung: " + ", ".join(
            f"{c} {n}" for c, n in collections.Counter(o.case for o in hung).most_common()))
    if results["refused"]:
        failures.append(f"{results['refused']} connections refused")
    if results["driver-error"]:
        failures.append(f"{results['driver-error']} driver errors")
    fresh = [o for o in outcomes if o.valid_fresh]
    fresh_bad = [o for o in fresh if not (o.result == "answered" and o.status == 202)]
    print(f"valid requests on fresh connections: {len(fresh)}, answered 202: {len(fresh) - len(fresh_bad)}")
    if fresh_bad:
        failures.append(f"{len(fresh_bad)} valid requests on fresh connections not answered 202: " + ", ".join(
            f"{k} {v}" for k, v in collections.Counter(
                (o.case, o.result, o.status) for o in fresh_bad).most_common(8)))

    closed = sorted(pool.closed_after)
    print(f"idle connections: {pool.opened} opened, {len(closed)} closed by the listener" +
          (f" after {closed[0]:.1f} to {closed[-1]:.1f} s (median {statistics.median(closed):.1f} s)" if closed else "") +
          f", {idle_open_at_end} open at the end" + (f", {pool.failed} connects failed" if pool.failed else ""))
    if args.idle_connections and elapsed > ctx.deadline and not closed:
        failures.append(f"no idle connection was closed in {elapsed:.0f} s (idle timeout {args.idle_timeout:g} s)")
    if closed and closed[-1] > ctx.deadline:
        late = sum(1 for c in closed if c > ctx.deadline)
        failures.append(f"{late} idle connections were held past the deadline ({ctx.deadline:g} s)")

    # Accepted events: in the record exactly once, and in GET /testControl/v1/events
    accepted = [i for o in outcomes if o.result == "answered" and o.status == 202 for i in o.ids]
    expected = set(accepted)
    if len(expected) != len(accepted):
        failures.append("the driver sent an eventId twice (driver bug)")
    is_alive = alive(args.pid)
    health = None
    if is_alive:
        try:
            health = control_get(ctx, "/healthz", 30)[0]
        except OSError as error:
            health = f"no answer ({error})"
    rss_end = rss(args.pid)
    print(f"listener: {'alive' if is_alive else 'EXITED'}, GET /healthz {health}; RSS {rss_start.get('VmRSS', '?')} MiB "
          f"at start, {rss_end.get('VmRSS', '?')} MiB at the end (peak seen {max(rss_peak, rss_end.get('VmRSS', 0))} "
          f"MiB, high-water mark {rss_end.get('VmHWM', '?')} MiB)")
    if not is_alive:
        failures.append("the listener exited during the run")
    elif health != 200:
        failures.append(f"GET /healthz answered {health}")

    summary = {"requests": total, "seconds": round(elapsed, 1), "requests_per_second": round(total / elapsed),
               "results": dict(results), "statuses": {str(k): v for k, v in statuses.items()},
               "cases": {k: dict(v) for k, v in per_case.items()}, "accepted_events": len(expected),
               "rss_mib": {"start": rss_start.get("VmRSS"), "end": rss_end.get("VmRSS"), "hwm": rss_end.get("VmHWM")},
               "idle": {"opened": pool.opened, "closed_by_listener": len(closed)}}

    if args.record:
        time.sleep(0.5)
        counts, seen, lines, bad, first_bad, last_seq = read_record(args.record)
        lost = [i for i in expected if counts[i] == 0]
        twice = [i for i in expected if counts[i] > 1]
        not_202 = [i for i in expected if counts[i] == 1 and seen[i][0][1] != 202]
        # what GET /testControl/v1/events must still hold: the accepted events among the newest maxRecords records
        expected_in_memory = {i for i in expected if counts[i] == 1 and seen[i][0][0] > last_seq - args.max_records}
        if bad:
            failures.append(f"{bad} record lines are not JSON, the first: {first_bad!r}")
        print(f"accepted events (answered 202): {len(expected)}; in the record once: "
              f"{len(expected) - len(lost) - len(twice)}, lost: {len(lost)}, twice or more: {len(twice)}, "
              f"recorded with another status: {len(not_202)} ({lines} record lines, {bad} not JSON)")
        summary.update(lost=len(lost), twice=len(twice), record_lines=lines, record_lines_not_json=bad)
        if lost:
            failures.append(f"{len(lost)} accepted events missing from the record, e.g. {sorted(lost)[:3]}")
        if twice:
            failures.append(f"{len(twice)} accepted events in the record more than once, e.g. {sorted(twice)[:3]}")
        if not_202:
            failures.append(f"{len(not_202)} accepted events recorded with another status, e.g. {sorted(not_202)[:3]}")
    if is_alive:
        try:
            status, body, in_memory, pages, total_in_memory = events_in_memory(ctx)
            if status == 200:
                document = {"count": total_in_memory}
                wanted = expected_in_memory if args.record else expected
                found = sum(1 for i in wanted if in_memory[i] == 1)
                missing = len(wanted) - found
                print(f"GET /testControl/v1/events: {document.get('count')} valid events in memory ({pages} pages); of the "
                      f"{len(wanted)} accepted events among the newest {args.max_records} records, {found} are "
                      f"there exactly once, {missing} not")
                summary.update(in_memory_found=found)
                stats_status, stats_body = control_get(ctx, "/testControl/v1/stats")
                if stats_status == 200:
                    stats = json.loads(stats_body)
                    lifetime = stats.get("lifetime")
                    print(f"GET /testControl/v1/stats: events {stats.get('events')}, valid {stats.get('valid')}, "
                          f"rejected {stats.get('rejected')}" + (f", lifetime {json.dumps(lifetime)}" if lifetime else ""))
                if missing:
                    failures.append(f"{missing} accepted events not found exactly once in GET /testControl/v1/events")
            else:
                failures.append(f"GET /testControl/v1/events answered {status}: {body[:200]!r}")
        except (OSError, ValueError) as error:
            failures.append(f"GET /testControl/v1/events failed: {error}")

    summary["failures"] = failures
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
    if failures:
        print("FAIL")
        for line in failures:
            print("  " + line)
        return 1
    print("PASS: nothing hung, the listener lived, every valid request on a fresh connection got 202, every "
          "accepted event recorded once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
