// The agent's WebSocket (`wsUrl?token=`): reconnects with backoff and says which state it is in.
// Each (re)connection takes the session's current id token: after a refresh, the next reconnect
// uses the new one (an open connection stays authorized; the token is checked at connect).
import { reconnectDelay } from './backoff.ts';
import { parseAgentMessage, type AgentMessage } from './messages.ts';

export type LiveState = 'connecting' | 'connected' | 'reconnecting';

/** Under the gateway's 10-minute idle limit: a ping keeps a quiet connection open. */
const PING_EVERY_MS = 4 * 60_000;

export class LiveConnection {
  state: LiveState = 'connecting';
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly messageListeners = new Set<(m: AgentMessage) => void>();
  private readonly stateListeners = new Set<(s: LiveState, reconnected: boolean) => void>();
  private everConnected = false;

  constructor(
    private readonly url: string,
    private readonly token: () => string,
  ) {
    this.open();
  }

  onMessage(listener: (m: AgentMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** `reconnected` is true when a connection comes back after a loss: what it missed should be fetched again. */
  onState(listener: (s: LiveState, reconnected: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    this.socket?.close(1000);
    this.socket = null;
  }

  private setState(state: LiveState, reconnected = false): void {
    this.state = state;
    for (const l of this.stateListeners) l(state, reconnected);
  }

  private open(): void {
    const socket = new WebSocket(`${this.url}?token=${encodeURIComponent(this.token())}`);
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      this.ping = setInterval(() => socket.send(JSON.stringify({ action: 'ping' })), PING_EVERY_MS);
      this.setState('connected', reconnected);
    };
    socket.onmessage = (event) => {
      const message = typeof event.data === 'string' ? parseAgentMessage(event.data) : null;
      if (message) for (const l of this.messageListeners) l(message);
    };
    socket.onclose = () => {
      clearInterval(this.ping);
      if (this.closed || this.socket !== socket) return;
      this.setState('reconnecting');
      this.timer = setTimeout(() => this.open(), reconnectDelay(this.attempt++));
    };
  }
}
