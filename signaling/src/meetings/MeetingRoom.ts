import {
  EnhancedEventEmitter,
  getLogger,
  type Logger,
  type Sfu,
  type SfuRoom,
  type ProducerInfo,
  type RoomCloseReason,
} from '../../../sfu/src/index.ts';
import { mediaSourceSchema, type Meeting, type RequestData, type ResponseData } from '../protocol/index.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Participant } from './Participant.ts';

export type MeetingRoomEvents = {
  /** The room is empty or ended; the manager drops it. */
  '@close': [];
  /** Media was re-established on another worker after a worker died (ms it took server-side). */
  mediaRecovered: [ms: number];
};

/**
 * A meeting that is running: the venues present and the meeting's SFU room. When the worker under
 * the SFU room dies, the room re-creates its media on a live worker and tells every venue to
 * reconnect its media (`media.reset`).
 */
export class MeetingRoom extends EnhancedEventEmitter<MeetingRoomEvents> {
  readonly meeting: Meeting;
  readonly #sfu: Sfu;
  readonly #participants = new Map<string, Participant>();
  readonly #logger: Logger;
  #media: SfuRoom;
  #recovering: Promise<void> | undefined;
  #closed = false;

  static async create(options: { meeting: Meeting; sfu: Sfu }): Promise<MeetingRoom> {
    const media = await options.sfu.getOrCreateRoom(options.meeting.id);
    return new MeetingRoom(options.meeting, options.sfu, media);
  }

  private constructor(meeting: Meeting, sfu: Sfu, media: SfuRoom) {
    super();
    this.meeting = meeting;
    this.#sfu = sfu;
    this.#logger = getLogger('MeetingRoom', { meetingId: meeting.id });
    this.#media = media;
    this.#wireMedia(media);
    this.#logger.info({ worker: media.workerIndex }, 'meeting room opened');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  get workerPid(): number {
    return this.#media.workerPid;
  }

  participantByVenue(venueId: string): Participant | undefined {
    return this.participants.find((p) => p.venue.id === venueId);
  }

  /** Counts of the server's own mediasoup objects for one venue. */
  venueMediaCounts(venueId: string): { transports: number; producers: number; consumers: number } {
    const p = this.participantByVenue(venueId);
    return p ? this.#media.peerCounts(p.id) : { transports: 0, producers: 0, consumers: 0 };
  }

  async join(participant: Participant): Promise<ResponseData['meeting.join']> {
    const media = await this.#liveMedia();
    media.addPeer(participant.id);
    this.#participants.set(participant.id, participant);
    participant.once('@close', () => this.#participantLeft(participant));
    for (const other of this.#participants.values()) {
      if (other !== participant) other.notify('participant.joined', { participant: participant.info() });
    }
    this.#logger.info({ venueId: participant.venue.id, participants: this.#participants.size }, 'venue joined');
    return {
      participantId: participant.id,
      meetingId: this.meeting.id,
      title: this.meeting.title,
      routerRtpCapabilities: media.rtpCapabilities,
      participants: this.participants.filter((p) => p !== participant).map((p) => p.info()),
    };
  }

  async createTransport(p: Participant, data: RequestData<'transport.create'>): Promise<ResponseData['transport.create']> {
    return (await this.#liveMedia()).createWebRtcTransport(p.id, data.direction);
  }

  async connectTransport(p: Participant, data: RequestData<'transport.connect'>): Promise<void> {
    await (await this.#liveMedia()).connectTransport(p.id, data.transportId, data.dtlsParameters);
  }

  /** The venue can receive: consume everything already published. */
  async mediaReady(p: Participant, data: RequestData<'media.ready'>): Promise<void> {
    const media = await this.#liveMedia();
    media.setRtpCapabilities(p.id, data.rtpCapabilities);
    p.mediaReady = true;
    for (const producer of media.producers(p.id)) await this.#consume(media, p, producer);
  }

  async produce(p: Participant, data: RequestData<'producer.create'>): Promise<{ producerId: string }> {
    const media = await this.#liveMedia();
    const existing = media.producers().find((x) => x.peerId === p.id && x.source === data.source);
    if (existing) throw badRequest(`this venue already publishes its ${data.source}`);
    const producer = await media.produce(p.id, data);
    for (const other of this.#participants.values()) {
      if (other !== p && other.mediaReady) await this.#consume(media, other, producer);
    }
    return { producerId: producer.producerId };
  }

  async setProducerPaused(p: Participant, producerId: string, paused: boolean): Promise<void> {
    await (await this.#liveMedia()).setProducerPaused(p.id, producerId, paused);
  }

  async closeProducer(p: Participant, producerId: string): Promise<void> {
    (await this.#liveMedia()).closeProducer(p.id, producerId);
  }

  async resumeConsumer(p: Participant, consumerId: string): Promise<void> {
    await (await this.#liveMedia()).resumeConsumer(p.id, consumerId);
  }

  /** Closes the room: every venue leaves (told `meeting.ended` when the meeting itself ended). */
  close(options: { ended: boolean } = { ended: false }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info({ ended: options.ended }, 'meeting room closed');
    for (const p of this.#participants.values()) {
      if (options.ended) p.notify('meeting.ended', { meetingId: this.meeting.id });
      p.close();
    }
    this.#participants.clear();
    this.#media.close();
    this.safeEmit('@close');
  }

  async #consume(media: SfuRoom, consumer: Participant, producer: ProducerInfo): Promise<void> {
    const owner = this.#participants.get(producer.peerId);
    if (!owner) return;
    const options = await media.consume(consumer.id, producer.producerId);
    if (!options) {
      this.#logger.warn({ venueId: consumer.venue.id, producerId: producer.producerId }, 'venue cannot receive a codec');
      return;
    }
    consumer.notify('consumer.new', {
      consumer: {
        ...options,
        participantId: owner.id,
        venueId: owner.venue.id,
        source: mediaSourceSchema.parse(producer.source),
      },
    });
  }

  #participantLeft(participant: Participant): void {
    if (this.#participants.get(participant.id) !== participant) return;
    this.#participants.delete(participant.id);
    if (!this.#media.closed) this.#media.closePeer(participant.id);
    for (const other of this.#participants.values()) {
      other.notify('participant.left', { participantId: participant.id, venueId: participant.venue.id });
    }
    this.#logger.info({ venueId: participant.venue.id, participants: this.#participants.size }, 'venue left');
    if (this.#participants.size === 0 && !this.#closed) this.close();
  }

  #wireMedia(media: SfuRoom): void {
    media.on('consumerClosed', (peerId, consumerId) => {
      this.#participants.get(peerId)?.notify('consumer.closed', { consumerId });
    });
    media.once('@close', (reason: RoomCloseReason) => {
      if (reason === 'worker-died' && !this.#closed) this.#recover();
    });
  }

  #recover(): void {
    const started = Date.now();
    this.#logger.warn('meeting media lost, re-creating it on a live worker');
    this.#recovering = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const media = await this.#sfu.getOrCreateRoom(this.meeting.id);
          if (this.#closed) {
            media.close();
            return;
          }
          this.#media = media;
          this.#wireMedia(media);
          for (const p of this.#participants.values()) {
            p.mediaReady = false;
            media.addPeer(p.id);
          }
          for (const p of this.#participants.values()) {
            p.notify('media.reset', { reason: 'worker-died', routerRtpCapabilities: media.rtpCapabilities });
          }
          const ms = Date.now() - started;
          this.#logger.warn({ ms, worker: media.workerIndex }, 'meeting media re-created');
          this.safeEmit('mediaRecovered', ms);
          return;
        } catch (err) {
          if (this.#closed || attempt >= 10) {
            this.#logger.error({ err }, 'could not re-create meeting media; ending the room');
            this.close();
            return;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })().finally(() => {
      this.#recovering = undefined;
    });
  }

  async #liveMedia(): Promise<SfuRoom> {
    if (this.#recovering) await this.#recovering;
    if (this.#closed) throw notFound('this meeting is no longer running');
    return this.#media;
  }
}
