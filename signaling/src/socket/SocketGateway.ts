import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { getLogger, type Logger } from '../../../sfu/src/index.ts';
import type { AuthService } from '../auth/AuthService.ts';
import { toErrorBody } from '../errors.ts';
import type { MeetingManager } from '../meetings/MeetingManager.ts';
import type { MeetingService } from '../meetings/MeetingService.ts';
import type { ClientToServerEvents, ServerToClientEvents, SessionUser } from '../protocol/index.ts';
import { VenueConnection } from './VenueConnection.ts';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: SessionUser }>;

/**
 * socket.io on the HTTP and HTTPS servers. A socket must present a valid session token in its
 * handshake (`auth.token`) or it is refused before any event is read.
 */
export class SocketGateway {
  readonly #io: IoServer;
  readonly #connections = new Set<VenueConnection>();
  readonly #logger: Logger;
  #closed = false;

  constructor(options: {
    servers: (HttpServer | HttpsServer)[];
    auth: AuthService;
    manager: MeetingManager;
    meetings: MeetingService;
  }) {
    this.#logger = getLogger('SocketGateway');
    this.#io = new Server({ maxHttpBufferSize: 1_000_000, serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
    for (const server of options.servers) this.#io.attach(server);
    this.#io.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      options.auth.authenticate(typeof token === 'string' ? token : undefined).then(
        (user) => {
          socket.data.user = user;
          next();
        },
        (error: unknown) => {
          const { body } = toErrorBody(error);
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
    this.#io.on('connection', (socket) => {
      const connection = new VenueConnection({ socket, manager: options.manager, meetings: options.meetings });
      this.#connections.add(connection);
      socket.once('disconnect', () => this.#connections.delete(connection));
      this.#logger.info({ user: socket.data.user.username, address: socket.handshake.address }, 'venue connected');
    });
  }

  get socketCount(): number {
    return this.#io.engine?.clientsCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of this.#connections) connection.close();
    this.#connections.clear();
    // Closing the engine drops the transports without a server-side "disconnect" packet, so venues
    // reconnect by themselves when the server is back (a restart or an upgrade).
    await new Promise<void>((resolve) => this.#io.close(() => resolve()));
  }
}
