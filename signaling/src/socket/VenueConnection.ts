import type { Socket } from 'socket.io';
import { getLogger, type Logger } from '../../../sfu/src/index.ts';
import { conflict, payloadTooLarge, toErrorBody } from '../errors.ts';
import type { MeetingManager } from '../meetings/MeetingManager.ts';
import type { MeetingRoom } from '../meetings/MeetingRoom.ts';
import type { MeetingService } from '../meetings/MeetingService.ts';
import type { Participant } from '../meetings/Participant.ts';
import {
  MAX_REQUEST_BYTES,
  requestSchemas,
  type Ack,
  type ClientToServerEvents,
  type RequestData,
  type RequestMethod,
  type ResponseData,
  type ServerToClientEvents,
  type SessionUser,
} from '../protocol/index.ts';

export type YlSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: SessionUser }>;

type Handler<M extends RequestMethod> = (data: RequestData<M>) => Promise<ResponseData[M]>;

const empty = {} as Record<string, never>;

/**
 * One authenticated socket of a venue: validates every request against its schema, runs it, and
 * answers with a typed ack. Holds the venue's presence in at most one meeting.
 */
export class VenueConnection {
  readonly #socket: YlSocket;
  readonly #user: SessionUser;
  readonly #manager: MeetingManager;
  readonly #meetings: MeetingService;
  readonly #logger: Logger;
  #participant: Participant | undefined;
  #room: MeetingRoom | undefined;
  #closed = false;

  readonly #handlers: { [M in RequestMethod]: Handler<M> } = {
    'meeting.join': async ({ meetingId }) => {
      const meeting = await this.#meetings.authorizeJoin(this.#user, meetingId);
      this.#leave();
      const { participant, room, response } = await this.#manager.join(this.#user, meeting, this.#socket.handshake.address, (event, ...args) =>
        this.#socket.emit(event, ...args),
      );
      if (this.#closed) {
        participant.close();
        throw conflict('the connection closed while joining');
      }
      this.#participant = participant;
      this.#room = room;
      participant.once('@close', () => {
        if (this.#participant === participant) {
          this.#participant = undefined;
          this.#room = undefined;
        }
      });
      return response;
    },
    'meeting.leave': async () => {
      this.#leave();
      return empty;
    },
    'transport.create': async (data) => {
      const [room, p] = this.#present();
      return room.createTransport(p, data);
    },
    'transport.connect': async (data) => {
      const [room, p] = this.#present();
      await room.connectTransport(p, data);
      return empty;
    },
    'media.ready': async (data) => {
      const [room, p] = this.#present();
      await room.mediaReady(p, data);
      return empty;
    },
    'producer.create': async (data) => {
      const [room, p] = this.#present();
      return room.produce(p, data);
    },
    'producer.pause': async ({ producerId }) => {
      const [room, p] = this.#present();
      await room.setProducerPaused(p, producerId, true);
      return empty;
    },
    'producer.resume': async ({ producerId }) => {
      const [room, p] = this.#present();
      await room.setProducerPaused(p, producerId, false);
      return empty;
    },
    'producer.close': async ({ producerId }) => {
      const [room, p] = this.#present();
      await room.closeProducer(p, producerId);
      return empty;
    },
    'consumer.resume': async ({ consumerId }) => {
      const [room, p] = this.#present();
      await room.resumeConsumer(p, consumerId);
      return empty;
    },
    'venue.mute': async ({ muted }) => {
      const [room, p] = this.#present();
      await room.setSelfMuted(p, muted);
      return empty;
    },
    'venue.hand': async ({ raised }) => {
      const [room, p] = this.#present();
      await room.hand(p, raised);
      return empty;
    },
    'chair.command': async ({ command }) => {
      const [room, p] = this.#present();
      return room.chairCommand(p, command);
    },
  };

  constructor(options: { socket: YlSocket; manager: MeetingManager; meetings: MeetingService }) {
    this.#socket = options.socket;
    this.#user = options.socket.data.user;
    this.#manager = options.manager;
    this.#meetings = options.meetings;
    this.#logger = getLogger('VenueConnection', { user: this.#user.username, venueId: this.#user.venueId });
    for (const method of Object.keys(requestSchemas) as RequestMethod[]) {
      this.#socket.on(method, (...args: unknown[]) => {
        // A request sent without a payload arrives as (ack): answer it as an empty payload.
        const [data, ack] = args.length === 1 && typeof args[0] === 'function' ? [undefined, args[0]] : args;
        void this.#dispatch(method, data, ack);
      });
    }
    this.#socket.onAny((event: string, ...args: unknown[]) => {
      // Own keys only: `toString`, `constructor` or `__proto__` are not requests.
      if (!Object.hasOwn(requestSchemas, event)) {
        const ack = args.at(-1);
        if (typeof ack === 'function') ack({ ok: false, error: { code: 'bad_request', message: `unknown request: ${event.slice(0, 40)}` } });
      }
    });
    this.#socket.once('disconnect', (reason) => {
      this.#logger.info({ reason }, 'venue disconnected');
      this.close();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leave();
  }

  async #dispatch<M extends RequestMethod>(method: M, data: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') {
      this.#logger.warn({ method }, 'request without an ack callback ignored');
      return;
    }
    const reply = ack as (response: Ack<ResponseData[M]>) => void;
    try {
      const size = JSON.stringify(data ?? null).length;
      if (size > MAX_REQUEST_BYTES) throw payloadTooLarge(`request of ${size} bytes exceeds ${MAX_REQUEST_BYTES}`);
      const parsed = requestSchemas[method].parse(data) as RequestData<M>;
      const result = await this.#handlers[method](parsed);
      reply({ ok: true, data: result });
    } catch (error) {
      const { body, expected } = toErrorBody(error);
      if (expected) this.#logger.debug({ method, code: body.code }, body.message);
      else this.#logger.error({ method, err: error }, 'request failed');
      reply({ ok: false, error: body });
    }
  }

  #present(): [MeetingRoom, Participant] {
    if (!this.#room || !this.#participant || this.#participant.closed) throw conflict('join a meeting first');
    return [this.#room, this.#participant];
  }

  #leave(): void {
    const participant = this.#participant;
    this.#participant = undefined;
    this.#room = undefined;
    participant?.close();
  }
}
