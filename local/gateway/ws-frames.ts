/**
 * Per-frame size limit for the local WebSocket gateway.
 *
 * API Gateway limits a single WebSocket frame to 32 KB and a (reassembled) message to 128 KB and
 * closes the connection with 1009 when either is exceeded. `ws` reassembles fragments before it
 * emits 'message' and exposes no per-frame hook (its Receiver only knows a frame's payload length
 * privately, in `getPayloadLength16/64` → `haveLength`). Rather than monkey-patching that private,
 * version-specific Receiver code, we read the frame headers ourselves: a listener prepended to the
 * raw socket's 'data' event sees every chunk before `ws`'s own listener hands it to the Receiver,
 * and a small RFC 6455 header parser tracks frame boundaries. The tap only reads; `ws` still does
 * all protocol validation, unmasking and reassembly.
 */
import type { Duplex } from 'node:stream';

export interface FrameLimits {
  maxFrameBytes: number;
  maxMessageBytes: number;
}

export interface FrameViolation {
  kind: 'frame' | 'message';
  /** Payload length of the offending frame, or the message length so far. */
  bytes: number;
  /** Data messages that were complete (FIN seen) before the offending frame. */
  completeMessages: number;
}

type State = 'info' | 'len16' | 'len64' | 'mask' | 'payload';

/** Incremental RFC 6455 frame-header parser over client→server bytes. */
export class FrameHeaderParser {
  private state: State = 'info';
  private header: number[] = [];
  private need = 2;
  private remaining = 0;
  private fin = false;
  private opcode = 0;
  private masked = false;
  private payload = 0;
  private messageBytes = 0;
  private completeMessages = 0;
  private stopped = false;

  constructor(private readonly limits: FrameLimits, private readonly onViolation: (v: FrameViolation) => void) {}

  /** Feeds the next chunk of raw socket bytes. */
  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.stopped) {
      if (this.state === 'payload') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.reset();
        continue;
      }
      this.header.push(chunk.readUInt8(i));
      i += 1;
      if (this.header.length < this.need) continue;
      this.step(Buffer.from(this.header));
    }
  }

  private reset(): void {
    this.state = 'info';
    this.header = [];
    this.need = 2;
  }

  /** Reads one complete header part (`need` bytes) and moves to the next state. */
  private step(h: Buffer): void {
    this.header = [];
    switch (this.state) {
      case 'info': {
        this.fin = (h.readUInt8(0) & 0x80) !== 0;
        this.opcode = h.readUInt8(0) & 0x0f;
        this.masked = (h.readUInt8(1) & 0x80) !== 0;
        const len = h.readUInt8(1) & 0x7f;
        if (len === 126) this.expect('len16', 2);
        else if (len === 127) this.expect('len64', 8);
        else this.haveLength(len);
        break;
      }
      case 'len16':
        this.haveLength(h.readUInt16BE(0));
        break;
      case 'len64':
        // High 32 bits: anything non-zero is far beyond every limit here.
        this.haveLength(h.readUInt32BE(0) * 2 ** 32 + h.readUInt32BE(4));
        break;
      case 'mask':
        this.startPayload();
        break;
      case 'payload':
        break;
    }
  }

  private expect(state: State, bytes: number): void {
    this.state = state;
    this.need = bytes;
  }

  private haveLength(len: number): void {
    this.payload = len;
    if (this.opcode < 0x08) {
      // Data frame (0 continuation, 1 text, 2 binary). Control frames are ≤ 125 bytes by protocol.
      if (len > this.limits.maxFrameBytes) {
        this.violate({ kind: 'frame', bytes: len });
        return;
      }
      this.messageBytes += len;
      if (this.messageBytes > this.limits.maxMessageBytes) {
        this.violate({ kind: 'message', bytes: this.messageBytes });
        return;
      }
    }
    if (this.masked) this.expect('mask', 4);
    else this.startPayload();
  }

  private startPayload(): void {
    if (this.opcode < 0x08 && this.fin) {
      this.completeMessages += 1;
      this.messageBytes = 0;
    }
    if (this.payload === 0) {
      this.reset();
      return;
    }
    this.state = 'payload';
    this.remaining = this.payload;
  }

  private violate(v: Omit<FrameViolation, 'completeMessages'>): void {
    this.stopped = true;
    this.onViolation({ ...v, completeMessages: this.completeMessages });
  }
}

/**
 * Taps `socket` (the upgraded connection, after `ws` attached to it) and reports the first frame
 * or message over the limits. Must be called synchronously in `handleUpgrade`'s callback: the
 * bytes that arrived with the upgrade request were unshifted back into the socket by `ws` and are
 * emitted later, so the prepended listener still sees the stream from its first byte.
 */
export function tapFrameLimits(socket: Duplex, limits: FrameLimits, onViolation: (v: FrameViolation) => void): void {
  const parser = new FrameHeaderParser(limits, (v) => {
    socket.off('data', tap);
    onViolation(v);
  });
  const tap = (chunk: Buffer): void => parser.push(chunk);
  socket.prependListener('data', tap);
}
