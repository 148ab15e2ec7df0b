#!/usr/bin/env python3
"""An independent agent-protocol server for end-to-end tests, on Python's asyncio and ssl.

It is a second implementation on a second TLS stack (OpenSSL through Python), so tests can show that
frameload's agents speak the protocol itself rather than the quirks of the reference server.

Frames are a 4-byte big-endian payload length, then UTF-8 JSON. The server approves every id message
with {"m":"auth","subsystem":"auth","status":"approved"} and confirms every events batch with
{"m":"confirm","confirmId":<same>}.

It prints {"port": N} as one JSON line on stdout once it listens. It prints its counts as one JSON line
on every line read from stdin, and once more on SIGTERM or SIGINT before it exits with status 0.
Python 3.11 standard library only.
"""

import argparse
import asyncio
import json
import os
import signal
import stat
import ssl
import struct
import sys

HEADER = struct.Struct(">I")


class Counts:
    """Counts of what the server received, for tests to compare with the agents' own counts."""

    def __init__(self) -> None:
        self.connections = 0
        self.agents_approved = 0
        self.batches = 0
        self.events = 0
        self.invalid_frames = 0
        self.agents: dict[str, dict] = {}

    def agent(self, name: str) -> dict:
        return self.agents.setdefault(name, {"connections": 0, "batches": 0, "events": 0, "confirmIds": []})

    def to_json(self) -> str:
        return json.dumps(
            {
                "connections": self.connections,
                "agentsApproved": self.agents_approved,
                "batches": self.batches,
                "events": self.events,
                "invalidFrames": self.invalid_frames,
                "agents": self.agents,
            },
            separators=(",", ":"),
        )


def frame(message: dict) -> bytes:
    payload = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return HEADER.pack(len(payload)) + payload


async def serve_agent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counts: Counts, max_frame_bytes: int) -> None:
    counts.connections += 1
    agent = None
    try:
        while True:
            try:
                (length,) = HEADER.unpack(await reader.readexactly(HEADER.size))
            except asyncio.IncompleteReadError:
                return  # the agent closed the connection between frames or inside a header
            if length > max_frame_bytes:
                return  # the stream position cannot be trusted past an oversized frame
            try:
                message = json.loads((await reader.readexactly(length)).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                counts.invalid_frames += 1
                continue
            if not isinstance(message, dict):
                counts.invalid_frames += 1
                continue

            kind = message.get("m")
            if kind == "id" and agent is None:
                name = message.get("name") or message.get("peer") or message.get("hostname") or "unnamed"
                agent = counts.agent(str(name))
                agent["connections"] += 1
                counts.agents_approved += 1
                writer.write(frame({"m": "auth", "subsystem": "auth", "status": "approved", "peer": message.get("peer", "")}))
            elif kind == "events" and agent is not None and isinstance(message.get("confirmId"), str) and isinstance(message.get("events"), list):
                events = len(message["events"])
                counts.batches += 1
                counts.events += events
                agent["batches"] += 1
                agent["events"] += events
                agent["confirmIds"].append(message["confirmId"])
                writer.write(frame({"m": "confirm", "confirmId": message["confirmId"]}))
            else:
                counts.invalid_frames += 1
                continue
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        return  # a reset or a failed handshake ends this agent only
    finally:
        writer.close()


async def print_counts_on_stdin_lines(counts: Counts) -> None:
    mode = os.fstat(sys.stdin.fileno()).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or sys.stdin.isatty()):
        return  # /dev/null or a file cannot be watched by the event loop: counts still print on SIGTERM
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    except (ValueError, OSError):
        return  # stdin is a regular file or closed: counts are still printed on SIGTERM
    while await reader.readline():
        print(counts.to_json(), flush=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description="Agent-protocol test server (asyncio + ssl).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 = any free port (default 0)")
    parser.add_argument("--cert", help="PEM certificate chain for TLS")
    parser.add_argument("--key", help="PEM private key for --cert")
    parser.add_argument("--plain", action="store_true", help="plain TCP instead of TLS")
    parser.add_argument("--max-frame-bytes", type=int, default=1024 * 1024, help="largest payload in bytes (default 1048576)")
    args = parser.parse_args()

    if args.plain == (args.cert is not None):
        parser.error("expected either --plain or --cert with --key")
    if (args.cert is None) != (args.key is None):
        parser.error("expected both --cert and --key")

    context = None
    if not args.plain:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)

    counts = Counts()
    server = await asyncio.start_server(
        lambda reader, writer: serve_agent(reader, writer, counts, args.max_frame_bytes),
        host=args.host,
        port=args.port,
        ssl=context,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # Printed after the signal handlers, so a test that saw the port can stop the server with SIGTERM.
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    stdin_task = asyncio.create_task(print_counts_on_stdin_lines(counts))

    await stop.wait()
    server.close()
    print(counts.to_json(), flush=True)
    stdin_task.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
