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

const enum State { Info, Len16, Len64, Mask, Payload }

/** Incremental RFC 6455 frame-header parser over client→server bytes. */
export class FrameHeaderParser {
  private state = State.Info;
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
      if (this.state === State.Payload) {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.reset();
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length < this.need) continue;
      this.step();
    }
  }

  private reset(): void {
    this.state = State.Info;
    this.header = [];
    this.need = 2;
  }

  private step(): void {
    const h = this.header;
    switch (this.state) {
      case State.Info: {
        this.fin = (h[0]! & 0x80) !== 0;
        this.opcode = h[0]! & 0x0f;
        this.masked = (h[1]! & 0x80) !== 0;
        const len = h[1]! & 0x7f;
        this.header = [];
        if (len === 126) return void ((this.state = State.Len16), (this.need = 2));
        if (len === 127) return void ((this.state = State.Len64), (this.need = 8));
        return this.haveLength(len);
      }
      case State.Len16:
        this.header = [];
        return this.haveLength((h[0]! << 8) | h[1]!);
      case State.Len64: {
        this.header = [];
        // High 32 bits: anything non-zero is far beyond every limit here.
        const high = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
        const low = ((h[4]! << 24) | (h[5]! << 16) | (h[6]! << 8) | h[7]!) >>> 0;
        return this.haveLength(high * 2 ** 32 + low);
      }
      case State.Mask:
        this.header = [];
        return this.startPayload();
      default:
        return undefined;
    }
  }

  private haveLength(len: number): void {
    this.payload = len;
    if (this.opcode < 0x08) {
      // Data frame (0 continuation, 1 text, 2 binary). Control frames are ≤ 125 bytes by protocol.
      if (len > this.limits.maxFrameBytes) return this.violate({ kind: 'frame', bytes: len });
      this.messageBytes += len;
      if (this.messageBytes > this.limits.maxMessageBytes) return this.violate({ kind: 'message', bytes: this.messageBytes });
    }
    if (this.masked) {
      this.state = State.Mask;
      this.need = 4;
      return;
    }
    this.startPayload();
  }

  private startPayload(): void {
    if (this.opcode < 0x08 && this.fin) {
      this.completeMessages += 1;
      this.messageBytes = 0;
    }
    if (this.payload === 0) return this.reset();
    this.state = State.Payload;
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
