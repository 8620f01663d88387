import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  ErrorCode,
  RequestMethod,
  ResponseData,
  ServerToClientEvents,
} from '../../../signaling/src/protocol/index.ts';

export class RequestError extends Error {
  readonly code: ErrorCode | 'timeout' | 'disconnected';

  constructor(code: ErrorCode | 'timeout' | 'disconnected', message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

type ConnectionListener = (state: 'connected' | 'reconnected' | 'disconnected') => void;

/** The console's socket.io connection to the signalling server: typed requests and notifications. */
export class SignalingClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #connectionListeners = new Set<ConnectionListener>();
  #everConnected = false;
  #closed = false;

  constructor(options: { token: string; url?: string }) {
    this.#socket = io(options.url ?? '/', {
      auth: { token: options.token },
      transports: ['websocket'],
      reconnectionDelay: 250,
      reconnectionDelayMax: 2000,
    });
    this.#socket.on('connect', () => {
      const state = this.#everConnected ? 'reconnected' : 'connected';
      this.#everConnected = true;
      for (const l of this.#connectionListeners) l(state);
    });
    this.#socket.on('disconnect', () => {
      for (const l of this.#connectionListeners) l('disconnected');
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Resolves once connected (now or after the next connect). */
  whenConnected(): Promise<void> {
    if (this.#socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once('connect', () => resolve()));
  }

  onConnection(listener: ConnectionListener): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  on<K extends keyof ServerToClientEvents>(event: K, listener: ServerToClientEvents[K]): () => void {
    // socket.io's typed overloads do not follow a generic key; the listener type is ServerToClientEvents[K].
    const socket = this.#socket as unknown as Socket;
    const untyped = listener as (...args: unknown[]) => void;
    const name: string = event;
    socket.on(name, untyped);
    return () => socket.off(name, untyped);
  }

  async request<M extends RequestMethod>(method: M, data: unknown, timeoutMs = 10_000): Promise<ResponseData[M]> {
    if (this.#closed) throw new RequestError('disconnected', 'the connection is closed');
    const socket = this.#socket as unknown as Socket;
    let ack: Ack<ResponseData[M]>;
    try {
      ack = await socket.timeout(timeoutMs).emitWithAck(method, data);
    } catch {
      throw new RequestError(this.#socket.connected ? 'timeout' : 'disconnected', `${method}: no answer from the server`);
    }
    if (!ack.ok) throw new RequestError(ack.error.code, ack.error.message);
    return ack.data;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connectionListeners.clear();
    this.#socket.removeAllListeners();
    this.#socket.close();
  }
}
