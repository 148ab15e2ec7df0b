#!/usr/bin/env python3
"""The baseline for agent benchmarks: N agents in one asyncio process, as operators script them today.

Each agent opens a TLS connection (Python's ssl), sends its id message, waits for approval, then sends
event batches with one in flight: as fast as confirms come back, or on a fixed timeline with
--sec-per-batch. Events are built as dicts and serialised with json.dumps per batch, the way such
scripts do. Prints one JSON line: confirmed batches and process CPU seconds per 1,000 confirmed batches.

Usage: python3 bench/agents/python_agent.py --port 8444 --agents 200 --batch 100 --duration 30 --insecure
Python 3.11 standard library only.
"""

import argparse
import asyncio
import json
import resource
import ssl
import struct
import sys
import time

HEADER = struct.Struct(">I")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def frame(message: dict) -> bytes:
    payload = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return HEADER.pack(len(payload)) + payload


async def read_message(reader: asyncio.StreamReader) -> dict:
    (length,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return json.loads(await reader.readexactly(length))


class Agent:
    def __init__(self, index: int, args: argparse.Namespace, context: ssl.SSLContext | None) -> None:
        self.name = f"PyAgent_{index:06X}"
        self.index = index
        self.args = args
        self.context = context
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.args.host, self.args.port, ssl=self.context)
        identity = {
            "m": "id", "bootstrap_token": self.args.token, "client_token": "", "name": self.name,
            "peer": f"PEER{self.index}", "hostname": self.name, "os": "win64", "v": "3.5.0.1111",
            "tags": [], "ts": int(time.time()),
        }
        self.writer.write(frame(identity))
        while True:
            message = await read_message(self.reader)
            if message.get("subsystem") != "auth":
                continue  # other frames are ignored
            if message.get("status") != "approved":
                raise RuntimeError(f"{self.name}: not approved, auth status {message.get('status')}")
            return

    async def run_batches(self, began: float, stop_at: float, counter: list[int]) -> None:
        """Sends batches until stop_at, one in flight. With --sec-per-batch the agents' timelines are
        offset evenly across one interval, so the fleet sends at a steady rate instead of in bursts."""
        assert self.reader is not None and self.writer is not None
        interval = self.args.sec_per_batch
        first_due = began + interval * (self.index - 1) / self.args.agents
        confirm_id = 0
        eid = 1
        while True:
            # A fixed timeline: a late batch goes out at once instead of shifting the ones after it.
            due = first_due + confirm_id * interval
            if due >= stop_at or time.monotonic() >= stop_at:
                break
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            confirm_id += 1
            ts = int(time.time())
            events = [
                {"id": i, "eid": eid + i, "ts": ts, "tick": i, "t": 3, "e": "Startup", "src": "App", "data": {"time": i}}
                for i in range(self.args.batch)
            ]
            eid += self.args.batch
            expected = str(confirm_id)
            self.writer.write(frame({"m": "events", "priority": 0, "ts": ts, "confirmId": expected, "events": events}))
            while True:
                message = await read_message(self.reader)
                if message.get("m") == "confirm" and message.get("confirmId") == expected:
                    break
            counter[0] += 1
        self.writer.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description="Asyncio agent loop for benchmarks.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8444)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100, help="events per batch")
    parser.add_argument("--duration", type=float, default=30, help="seconds of batches after every agent is approved")
    parser.add_argument("--sec-per-batch", type=float, default=0, help="seconds between batches per agent, 0 = as fast as confirms allow")
    parser.add_argument("--token", default="bench-token")
    parser.add_argument("--plain", action="store_true", help="plain TCP instead of TLS")
    parser.add_argument("--insecure", action="store_true", help="TLS without certificate verification")
    parser.add_argument("--ca", help="PEM file to verify the server against")
    args = parser.parse_args()

    if args.host not in ("127.0.0.1", "::1", "localhost"):
        parser.error(f"--host must be a loopback address, got {args.host}")
    if not (args.agents > 0 and args.batch > 0 and 0 < args.duration <= 600):
        parser.error("--agents and --batch must be > 0 and --duration in (0, 600] seconds")
    context = None
    if not args.plain:
        if args.ca is None and not args.insecure:
            parser.error("TLS needs --ca FILE or an explicit --insecure")
        context = ssl.create_default_context(cafile=args.ca)
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE

    cpu_at_start = cpu_seconds()
    agents = [Agent(i + 1, args, context) for i in range(args.agents)]
    await asyncio.gather(*(agent.connect() for agent in agents))

    counter = [0]
    cpu_before = cpu_seconds()
    began = time.monotonic()
    # Bounded in time: a missing confirm must not keep the benchmark running.
    await asyncio.wait_for(
        asyncio.gather(*(agent.run_batches(began, began + args.duration, counter) for agent in agents)),
        timeout=args.duration + 60,
    )
    elapsed = time.monotonic() - began
    cpu = cpu_seconds() - cpu_before
    batches = counter[0]

    print(json.dumps({
        "tool": "python-agent",
        "agents": args.agents,
        "batch": args.batch,
        "tls": not args.plain,
        "durationS": round(elapsed, 3),
        "batchesConfirmed": batches,
        "eventsConfirmed": batches * args.batch,
        "cpuSeconds": round(cpu, 3),
        "cpuSecondsTotal": round(cpu_seconds() - cpu_at_start, 3),
        "cpuSecondsPer1000Batches": round(cpu * 1000 / batches, 4) if batches else None,
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # Linux reports KiB
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
