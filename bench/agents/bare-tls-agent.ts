// The floor for agent benchmarks: N agents on bare node:tls sockets in one process, with no engine,
// metrics or agent library. Each agent sends its id message, waits for approval, then sends batches
// with one in flight, as fast as confirms come back or on a fixed timeline (--sec-per-batch).
// Prints one JSON line: confirmed batches and process CPU seconds per 1,000 confirmed batches.
//
// Usage: node --import tsx bench/agents/bare-tls-agent.ts --port 8444 --agents 200 --batch 100 --duration 30 --insecure
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { parseArgs } from 'node:util';
import { lengthPrefixed } from '../../src/net/codec/length-prefixed.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8444' },
    agents: { type: 'string', default: '200' },
    batch: { type: 'string', default: '100' },
    duration: { type: 'string', default: '30' }, // seconds of batches after every agent is approved
    'sec-per-batch': { type: 'string', default: '0' }, // 0 = next batch as soon as the confirm arrives
    token: { type: 'string', default: 'bench-token' },
    plain: { type: 'boolean', default: false },
    insecure: { type: 'boolean', default: false }, // TLS without certificate verification
    ca: { type: 'string' }, // PEM file to verify the server against
  },
});

const host = values.host;
const port = Number(values.port);
const agentCount = Number(values.agents);
const batchSize = Number(values.batch);
const durationMs = Number(values.duration) * 1000;
const intervalMs = Number(values['sec-per-batch']) * 1000;
if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') throw new Error(`--host must be a loopback address, got ${host}`);
if (!(agentCount > 0 && batchSize > 0 && durationMs > 0 && durationMs <= 600_000)) throw new Error('--agents, --batch and --duration (at most 600 s) must be > 0');
if (!values.plain && !values.insecure && values.ca === undefined) throw new Error('TLS needs --ca FILE or an explicit --insecure');

const codec = lengthPrefixed({ maxFrameBytes: 1024 * 1024 });
const ca = values.ca === undefined ? undefined : readFileSync(values.ca);

let batchesConfirmed = 0;
let began = 0; // when every agent is approved and batches start, performance.now() ms
let stopAt = Infinity;

function open(): Socket {
  const socket = values.plain ? connectTcp({ host, port }) : connectTls({ host, port, ...(ca === undefined ? { rejectUnauthorized: false } : { ca }) });
  socket.setNoDelay(true); // one small frame per write: no waiting for ACKs (Nagle's algorithm)
  return socket;
}

function frame(json: string): Uint8Array {
  return codec.encode(Buffer.from(json, 'utf8'));
}

// One events message with events shaped like the protocol's example: about 96 bytes per event,
// so a batch of 100 is about 9.6 KB.
function eventsMessage(confirmId: number, firstEid: number): string {
  const ts = Math.floor(Date.now() / 1000);
  let json = `{"m":"events","priority":0,"ts":${ts},"confirmId":"${confirmId}","events":[`;
  for (let i = 0; i < batchSize; i++) {
    if (i > 0) json += ',';
    json += `{"id":${i},"eid":${firstEid + i},"ts":${ts},"tick":${i},"t":3,"e":"Startup","src":"App","data":{"time":${i}}}`;
  }
  return json + ']}';
}

/** Connects one agent, waits for approval and resolves with the function that starts its batches. */
function startAgent(index: number): Promise<() => Promise<void>> {
  const name = `BareAgent_${index.toString(16).toUpperCase().padStart(6, '0')}`;
  const socket = open();
  const decoder = codec.createDecoder();
  let onMessage: (message: { m?: string; subsystem?: string; status?: string; confirmId?: string }) => void = () => {};
  socket.on('data', (chunk: Buffer) => decoder.push(chunk, (payload) => onMessage(JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')))));

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`${name}: connection closed before approval`)));
    onMessage = (message) => {
      if (message.subsystem !== 'auth') return;
      if (message.status !== 'approved') reject(new Error(`${name}: not approved, auth status ${message.status}`));
      else resolve(() => runBatches(name, index, socket, (handler) => (onMessage = handler)));
    };
    socket.write(frame(JSON.stringify({ m: 'id', bootstrap_token: values.token, client_token: '', name, peer: `PEER${index}`, hostname: name, os: 'win64', v: '3.5.0.1111', tags: [], ts: Math.floor(Date.now() / 1000) })));
  });
}

// Sends batches until the run's end, one in flight. With --sec-per-batch the agents' timelines are
// offset evenly across one interval, so the fleet sends at a steady rate instead of in bursts.
function runBatches(name: string, index: number, socket: Socket, setHandler: (handler: (message: { m?: string; confirmId?: string }) => void) => void): Promise<void> {
  socket.removeAllListeners('close');
  socket.removeAllListeners('error');
  let confirmId = 0;
  let expected = '';
  let eid = 1;
  const firstDue = began + (intervalMs * (index - 1)) / agentCount;

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`${name}: connection closed while batches were in flight`)));
    const finish = (): void => {
      socket.removeAllListeners('close');
      socket.end();
      resolve();
    };
    const send = (): void => {
      confirmId++;
      expected = String(confirmId);
      socket.write(frame(eventsMessage(confirmId, eid)));
      eid += batchSize;
    };
    // Batches are due on a fixed timeline. A late one goes out at once instead of shifting the rest.
    const sendWhenDue = (): void => {
      const due = firstDue + confirmId * intervalMs;
      if (due >= stopAt || performance.now() >= stopAt) finish();
      else if (intervalMs === 0) send();
      else setTimeout(send, Math.max(0, due - performance.now()));
    };
    setHandler((message) => {
      if (message.m !== 'confirm' || message.confirmId !== expected) return;
      batchesConfirmed++;
      sendWhenDue();
    });
    sendWhenDue();
  });
}

// Bounded in time: a server that stops confirming must not keep the benchmark running.
setTimeout(() => {
  console.error(`bare-tls-agent: timed out after ${durationMs / 1000 + 60} s: a confirm is missing or agents were not approved`);
  process.exit(1);
}, durationMs + 60_000).unref();

const cpuAtStart = process.cpuUsage();
const starters = await Promise.all(Array.from({ length: agentCount }, (_, i) => startAgent(i + 1)));

const cpuBefore = process.cpuUsage();
began = performance.now();
stopAt = began + durationMs;
await Promise.all(starters.map((start) => start()));
const elapsedS = (performance.now() - began) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuTotal = process.cpuUsage(cpuAtStart);

const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  JSON.stringify({
    tool: 'bare-tls-agent',
    agents: agentCount,
    batch: batchSize,
    tls: !values.plain,
    durationS: +elapsedS.toFixed(3),
    batchesConfirmed,
    eventsConfirmed: batchesConfirmed * batchSize,
    // CPU of the batch phase only; cpuSecondsTotal adds the connects, handshakes and approvals.
    cpuSeconds: +cpuSeconds.toFixed(3),
    cpuSecondsTotal: +((cpuTotal.user + cpuTotal.system) / 1e6).toFixed(3),
    cpuSecondsPer1000Batches: +((cpuSeconds * 1000) / batchesConfirmed).toFixed(4),
    maxRssBytes: process.resourceUsage().maxRSS * 1024, // maxRSS is in KiB
  }),
);
