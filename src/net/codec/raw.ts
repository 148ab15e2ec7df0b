import type { FrameCodec, FrameDecoder } from './types.ts';

/**
 * Creates a codec without framing: every chunk the transport delivers is one frame and payloads are written as
 * they are. Chunk boundaries depend on the network, so use it only for protocols that frame themselves
 * or to inspect a byte stream. Empty chunks are not delivered.
 */
export function raw(): FrameCodec {
  return {
    name: 'raw',
    encode(payload: Uint8Array): Uint8Array {
      return payload;
    },
    createDecoder(): FrameDecoder {
      return rawDecoder;
    },
  };
}

// Stateless, so one instance serves every connection.
const rawDecoder: FrameDecoder = {
  pendingBytes: 0,
  push(chunk, onFrame) {
    if (chunk.length > 0) onFrame(chunk);
  },
};
