import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { lengthPrefixed } from '../net/codec/length-prefixed.ts';
import { AgentConnection, type BatchJob, type ServerContext } from './agent-connection.ts';
import { ConfirmPipeline } from './confirm-pipeline.ts';
import { ServerError } from './errors.ts';
import { EventRate } from './event-rate.ts';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus.ts';
import { generateSelfSigned } from './self-signed.ts';
import { ShareSelector } from './share.ts';
import { ServerStats } from './stats.ts';

export { ServerError, type ServerErrorCode } from './errors.ts';
export { SERVER_DEFAULTS, type ServerOptions } from './options.ts';
export { SERIES_NAMES } from './prometheus.ts';
export { ServerStats, type AgentStats } from './stats.ts';

/** A listening reference server. */
export interface RunningServer {
  /** The host it listens on, as given. */
  readonly address: string;
  /** The agent port it listens on (the chosen one when the option was 0). */
  readonly port: number;
  /** The Prometheus port, or null when metrics are disabled. */
  readonly metricsPort: number | null;
  readonly tls: boolean;
  /** The PEM certificate served: generated at start unless one was given. Null with plain TCP. */
  readonly certificate: string | null;
  readonly selfSigned: boolean;
  readonly stats: ServerStats;
  /** Stops listening, destroys every connection and stops the timers. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts the reference server for the agent protocol: length-prefixed JSON frames over TLS or TCP, an
 * approval for every id message, a confirm for every events batch, shaped by capacity, latency and
 * the fault options. Rejects with a ConfigError for invalid options and a ServerError when it cannot
 * listen or load the certificate.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const resolved = resolveServerOptions(options);
  const certificate = resolveCertificate(resolved);

  const pipeline = new ConfirmPipeline<BatchJob>(resolved.capacity, resolved.latency, (job) => job.connection.confirm(job));
  const stats = new ServerStats(resolved.recordConfirmIds, () => pipeline.queueDepth);
  const context: ServerContext = {
    options: resolved,
    stats,
    codec: lengthPrefixed({ maxFrameBytes: resolved.maxFrameBytes }),
    pipeline,
    rejectSelector: new ShareSelector(resolved.rejectShare),
    dropSelector: new ShareSelector(resolved.dropConfirmShare),
  };

  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    stats.connectionsAccepted++;
    stats.connectionsOpen++;
    socket.once('close', () => {
      sockets.delete(socket);
      stats.connectionsOpen--;
      stats.connectionsClosed++;
    });
    new AgentConnection(socket, context);
  };

  const agentServer = createAgentListener(resolved, stats, certificate, onConnection);
  // TCP sockets from accept on, including TLS handshakes still in progress, so close() can end them
  // all instead of waiting for a stalled handshake to time out.
  const tcpSockets = new Set<Socket>();
  agentServer.on('connection', (socket: Socket) => {
    tcpSockets.add(socket);
    socket.once('close', () => tcpSockets.delete(socket));
  });
  const rate = new EventRate(() => stats.eventsConfirmed);
  let metricsServer: HttpServer | null = null;

  try {
    await listen(agentServer, resolved.host, resolved.port, 'agent');
    if (resolved.metricsPort !== null) {
      metricsServer = createMetricsListener(stats, rate, resolved.capacity);
      await listen(metricsServer, resolved.host, resolved.metricsPort, 'metrics');
    }
  } catch (error) {
    rate.stop();
    agentServer.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = once(agentServer, 'close');
      agentServer.close();
      for (const socket of sockets) socket.destroy();
      for (const socket of tcpSockets) socket.destroy();
      pipeline.close();
      rate.stop();
      if (metricsServer !== null) {
        const metricsClosed = once(metricsServer, 'close');
        metricsServer.close();
        metricsServer.closeAllConnections();
        await metricsClosed;
      }
      await closed;
    })();
    return closing;
  };

  return {
    address: resolved.host,
    port: boundPort(agentServer),
    metricsPort: metricsServer === null ? null : boundPort(metricsServer),
    tls: certificate !== null,
    certificate: certificate?.cert.toString() ?? null,
    selfSigned: certificate?.selfSigned ?? false,
    stats,
    close,
  };
}

interface Certificate {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly selfSigned: boolean;
}

function resolveCertificate(options: ResolvedServerOptions): Certificate | null {
  if (options.plain) return null;
  if (options.cert !== undefined && options.key !== undefined) return { cert: options.cert, key: options.key, selfSigned: false };
  const altNames = ['localhost', '127.0.0.1', '::1'];
  if (!altNames.includes(options.host) && !['0.0.0.0', '::'].includes(options.host)) altNames.push(options.host);
  return { ...generateSelfSigned({ altNames }), selfSigned: true };
}

function createAgentListener(
  options: ResolvedServerOptions,
  stats: ServerStats,
  certificate: Certificate | null,
  onConnection: (socket: Socket) => void,
): TcpServer {
  if (certificate === null) return createTcpServer(onConnection);

  let server;
  try {
    server = createTlsServer({ cert: certificate.cert, key: certificate.key }, onConnection);
  } catch (error) {
    throw new ServerError('invalid_certificate', `could not load the TLS certificate and key: ${(error as Error).message}`, { cause: error });
  }
  // A failed handshake never becomes a connection, so it is counted here.
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    stats.recordError('tls_handshake');
    options.onConnectionError?.('tls_handshake', error.message, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
  });
  return server;
}

function createMetricsListener(stats: ServerStats, rate: EventRate, capacity: number): HttpServer {
  const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());
  return createHttpServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at GET /metrics\n');
      return;
    }
    const cpu = process.cpuUsage();
    const body = renderPrometheus({
      stats,
      eventsPerSecond: rate.perSecond,
      capacity,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      residentMemoryBytes: process.memoryUsage.rss(),
      startTimeSeconds,
    });
    response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(request.method === 'HEAD' ? undefined : body);
  });
}

function listen(server: TcpServer | HttpServer, host: string, port: number, role: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const code = error.code ?? 'unknown';
      reject(new ServerError('listen_failed', `could not listen for ${role} connections on ${host}:${port}: ${code} (${error.message})`, { cause: error }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function boundPort(server: TcpServer | HttpServer): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  return address.port;
}
