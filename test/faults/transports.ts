// The two transports every fault test runs over, with the client options that trust the peer.
import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import type { PeerTls } from './peer.ts';

export interface Transport {
  readonly name: 'tcp' | 'tls';
  /** The peer's TLS settings. */
  readonly peer: PeerTls;
  /** frameload/net connect options for this transport. */
  readonly net: Record<string, unknown>;
  /** Agent options for this transport. */
  readonly agent: Record<string, unknown>;
}

const ca = tlsFixture('ca.crt');

export const TRANSPORTS: readonly Transport[] = [
  { name: 'tcp', peer: false, net: {}, agent: { tls: false } },
  { name: 'tls', peer: { cert: 'server-localhost' }, net: { tls: true, ca }, agent: { tls: true, ca } },
];
