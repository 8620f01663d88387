/**
 * The part of npm `smpp` 0.5.1 (untyped CommonJS) we use. Decoded PDUs are untrusted and typed
 * as unknown fields: they are parsed with zod in smppPdu.ts before use.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { Duplex } from 'node:stream';

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
  }

  export class Session extends EventEmitter {
    /** A server-side session over any Duplex (its `socket` is then that Duplex). */
    constructor(options: { socket: Duplex });
    socket: Socket;
    /** Returns false (and sends nothing) when the socket is not writable. */
    send(pdu: PDU, responseCallback?: (response: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
  }

  export interface ConnectOptions {
    host: string;
    port: number;
    auto_enquire_link_period?: number;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function createServer(listener: (session: Session) => void): Server;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    PDU: typeof PDU;
    Session: typeof Session;
  };
  export default smpp;
}
