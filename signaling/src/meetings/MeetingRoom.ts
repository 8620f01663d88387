import { CoalescedRun, EnhancedEventEmitter, getLogger, type Logger, type PlainTap, type RoomCloseReason, type Sfu, type SfuRoom } from '../../../sfu/src/index.ts';
import { badRequest, forbidden, meetingLocked, mutedByChair, notFound } from '../errors.ts';
import {
  mediaSourceSchema,
  PROGRAMME_ID,
  type ChairCommand,
  type ControlState,
  type Meeting,
  type RequestData,
  type ResponseData,
} from '../protocol/index.ts';
import type { ControlStore } from '../store/ControlStore.ts';
import type { AuditEntry } from '../audit/AuditLog.ts';
import { applyMediaPolicy } from './mediaPolicy.ts';
import { raiseProducerDemand, sendProducerDemand } from './producerDemand.ts';
import { collectVenueStatuses } from './statusBoard.ts';
import { MeetingControl } from './MeetingControl.ts';
import { currentSpeaker, type Notify, type Participant } from './Participant.ts';
import { recreateMedia } from './mediaRecovery.ts';

export type MeetingRoomEvents = {
  /** The room is empty or ended; the manager drops it. */
  '@close': [];
  /** The chair ended the meeting (the definition is to be marked ended). */
  ended: [];
  /** Media was re-established on another worker after a worker died (ms it took server-side). */
  mediaRecovered: [ms: number];
  /** What the programme shows or who is audible may have changed (for the recorder). */
  programmeChanged: [];
};

const STATS_INTERVAL_MS = 2000;

/**
 * A meeting that is running: the venues present, the chair's control state and the meeting's SFU
 * room. Every control change is applied to the media (who receives what, who is audible) and
 * announced to every venue. When a worker under the SFU room dies, the media is re-created on a
 * live worker and every venue is told to reconnect its media (`media.reset`).
 */
export class MeetingRoom extends EnhancedEventEmitter<MeetingRoomEvents> {
  readonly meeting: Meeting;
  readonly control: MeetingControl;
  /** Set by the recording service while the meeting is being recorded. */
  recording = false;
  readonly #sfu: Sfu;
  readonly #participants = new Map<string, Participant>();
  readonly #logger: Logger;
  #media: SfuRoom;
  #recovering: Promise<void> | undefined;
  /** The media policy: calls during a run are coalesced into one more run. */
  readonly #policy = new CoalescedRun(() => this.#runPolicy());
  #statsTimer: NodeJS.Timeout | undefined;
  #closed = false;

  static async create(options: {
    meeting: Meeting;
    sfu: Sfu;
    controlStore: ControlStore;
    audit: (entry: AuditEntry) => Promise<void>;
  }): Promise<MeetingRoom> {
    const control = await MeetingControl.create({ meeting: options.meeting, store: options.controlStore });
    try {
      const media = await options.sfu.getOrCreateRoom(options.meeting.id);
      return new MeetingRoom(options.meeting, options.sfu, media, control, options.audit);
    } catch (error) {
      control.close();
      throw error;
    }
  }

  readonly #audit: (entry: AuditEntry) => Promise<void>;

  private constructor(meeting: Meeting, sfu: Sfu, media: SfuRoom, control: MeetingControl, audit: (entry: AuditEntry) => Promise<void>) {
    super();
    this.meeting = meeting;
    this.#audit = audit;
    this.#sfu = sfu;
    this.control = control;
    this.#logger = getLogger('MeetingRoom', { meetingId: meeting.id });
    this.#media = media;
    this.#wireMedia(media);
    control.on('changed', (state) => this.#controlChanged(state));
    this.#statsTimer = setInterval(() => void this.#sendStats(), STATS_INTERVAL_MS);
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

  get placement(): { workerPid: number; peerIds: string[] }[] {
    return this.#media.placement;
  }

  participantByVenue(venueId: string): Participant | undefined {
    return this.participants.find((p) => p.venue.id === venueId);
  }

  isChair(p: Participant): boolean {
    const { role, venueId } = p.user;
    if (venueId !== this.meeting.chairVenueId) return role === 'admin';
    return role === 'chair' || role === 'admin' || this.meeting.kind === 'adhoc';
  }

  /** Sends a producer of the meeting's current media as plain RTP to a local receiver (the recorder). */
  async createPlainTap(producerId: string, target: { ip: string; rtpPort: number; rtcpPort?: number }): Promise<PlainTap> {
    const media = await this.#liveMedia();
    const tap = await media.createPlainTap(producerId, target);
    // The recorder receives the top layer: the venue must send it (dynacast).
    sendProducerDemand(media, this.#participants.values());
    tap.once('@close', () => sendProducerDemand(this.#media, this.#participants.values()));
    return tap;
  }

  /** Tells every venue present (a recording started or stopped, …). */
  notifyAll: Notify = (event, ...args) => {
    for (const p of this.#participants.values()) p.notify(event, ...args);
  };

  /** Counts of the server's own mediasoup objects for one venue, and what it receives from it. */
  async venueMedia(venueId: string) {
    const p = this.participantByVenue(venueId);
    if (!p) return { transports: 0, producers: 0, consumers: 0, activeConsumers: 0, uplink: [] };
    return { ...this.#media.peerCounts(p.id), uplink: await this.#media.peerUplink(p.id) };
  }

  /** Refuses venues the chair removed, and newcomers while the meeting is locked. */
  admits(venueId: string): void {
    const state = this.control.state;
    if (state.removed.includes(venueId)) throw meetingLocked('the chair removed this venue from the meeting');
    if (state.locked && !this.participantByVenue(venueId)) throw meetingLocked('the chair has locked this meeting');
  }

  async join(participant: Participant, invited: { venueId: string; venueName: string }[]): Promise<ResponseData['meeting.join']> {
    const media = await this.#liveMedia();
    await media.addPeer(participant.id);
    this.#participants.set(participant.id, participant);
    participant.once('@close', () => this.#participantLeft(participant));
    void this.#record(participant, 'meeting.join');
    this.safeEmit('programmeChanged');
    for (const other of this.#participants.values()) {
      if (other !== participant) other.notify('participant.joined', { participant: participant.info() });
    }
    this.#logger.info({ venueId: participant.venue.id, participants: this.#participants.size }, 'venue joined');
    return {
      participantId: participant.id,
      meetingId: this.meeting.id,
      title: this.meeting.title,
      kind: this.meeting.kind,
      chairVenueId: this.meeting.chairVenueId,
      isChair: this.isChair(participant),
      invited,
      control: this.control.state,
      recording: this.recording,
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

  /** The venue can receive: deliver what its screen and the audible venues call for. */
  async mediaReady(p: Participant, data: RequestData<'media.ready'>): Promise<void> {
    const media = await this.#liveMedia();
    media.setRtpCapabilities(p.id, data.rtpCapabilities);
    p.mediaReady = true;
    await this.#applyPolicy();
  }

  async produce(p: Participant, data: RequestData<'producer.create'>): Promise<{ producerId: string }> {
    const media = await this.#liveMedia();
    if (p.producers.has(data.source)) throw badRequest(`this venue already publishes its ${data.source}`);
    const producer = await media.produce(p.id, { ...data, paused: data.source === 'microphone' });
    p.producers.set(data.source, producer.producerId);
    await this.#applyPolicy();
    this.safeEmit('programmeChanged');
    return { producerId: producer.producerId };
  }

  /** A venue's own pause/resume of a producer (camera off/on, microphone off/on). */
  async setProducerPaused(p: Participant, producerId: string, paused: boolean): Promise<void> {
    const media = await this.#liveMedia();
    if (producerId === p.producers.get('microphone')) {
      await this.setSelfMuted(p, paused);
      return;
    }
    await media.setProducerPaused(p.id, producerId, paused);
  }

  async setSelfMuted(p: Participant, muted: boolean): Promise<void> {
    if (!muted && this.control.state.muted.includes(p.venue.id)) throw mutedByChair();
    p.selfMuted = muted;
    await this.#applyPolicy();
    this.safeEmit('programmeChanged');
  }

  async closeProducer(p: Participant, producerId: string): Promise<void> {
    (await this.#liveMedia()).closeProducer(p.id, producerId);
    for (const [source, id] of p.producers) if (id === producerId) p.producers.delete(source);
  }

  async resumeConsumer(p: Participant, consumerId: string): Promise<void> {
    await (await this.#liveMedia()).resumeConsumer(p.id, consumerId);
  }

  async hand(p: Participant, raised: boolean): Promise<void> {
    await this.control.hand(p.venue.id, raised);
  }

  async chairCommand(p: Participant, command: ChairCommand): Promise<{ version: number }> {
    if (!this.isChair(p)) {
      await this.#record(p, `chair.${command.type}.refused`, { after: command });
      throw forbidden('only the chair of this meeting can do that');
    }
    const before = this.control.state;
    const state = await this.control.command(command, { speaker: currentSpeaker(this.participants)?.venue.id });
    await this.#record(p, `chair.${command.type}`, { before, after: { command, state } });
    if (command.type === 'remove') {
      const removed = this.participantByVenue(command.venueId);
      removed?.notify('meeting.removed', { meetingId: this.meeting.id });
      removed?.close();
    }
    if (command.type === 'end') {
      this.safeEmit('ended');
      this.close({ ended: true });
    }
    return { version: state.version };
  }

  /** Closes the room: every venue leaves (told `meeting.ended` when the meeting itself ended). */
  close(options: { ended: boolean } = { ended: false }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info({ ended: options.ended }, 'meeting room closed');
    clearInterval(this.#statsTimer);
    this.control.close();
    for (const p of this.#participants.values()) {
      if (options.ended) p.notify('meeting.ended', { meetingId: this.meeting.id });
      p.close();
    }
    this.#participants.clear();
    this.#media.close();
    this.safeEmit('@close');
  }

  #controlChanged(state: ControlState): void {
    for (const p of this.#participants.values()) p.notify('meeting.state', { control: state });
    void this.#applyPolicy();
    this.safeEmit('programmeChanged');
  }

  #applyPolicy(): Promise<void> {
    return this.#policy.run();
  }

  async #runPolicy(): Promise<void> {
    if (this.#closed || this.#recovering || this.#media.closed) return;
    try {
      await applyMediaPolicy({
        media: this.#media,
        participants: this.participants,
        state: this.control.state,
        chairVenueId: this.meeting.chairVenueId,
        invitedOrder: this.meeting.invitedVenueIds,
        consume: (viewer, owner, producerId, options) => this.#consume(viewer, owner, producerId, options),
        closeConsumer: (viewer, consumerId) => {
          this.#media.closeConsumer(viewer.id, consumerId);
          viewer.notify('consumer.closed', { consumerId });
        },
        planned: (layers) => raiseProducerDemand(this.#participants.values(), layers),
      });
      sendProducerDemand(this.#media, this.#participants.values());
    } catch (err) {
      if (!this.#media.closed) this.#logger.warn({ err }, 'applying the media policy failed');
    }
  }

  async #consume(viewer: Participant, owner: Participant | null, producerId: string, options: { wanted: boolean; spatialLayer?: number }): Promise<void> {
    if (viewer.closed || owner?.closed) return;
    const consumer = await this.#media.consume(viewer.id, producerId, options);
    if (!consumer) {
      this.#logger.warn({ venueId: viewer.venue.id, producerId }, 'venue cannot receive a codec');
      return;
    }
    if (!owner) {
      viewer.notify('consumer.new', { consumer: { ...consumer, participantId: PROGRAMME_ID, venueId: PROGRAMME_ID, source: 'programme' } });
      return;
    }
    const source = [...owner.producers].find(([, id]) => id === producerId)?.[0] ?? 'camera';
    viewer.notify('consumer.new', {
      consumer: { ...consumer, participantId: owner.id, venueId: owner.venue.id, source: mediaSourceSchema.parse(source) },
    });
  }

  /** Appends to the audit log (failures logged, never swallowed); chair commands await it before answering. */
  #record(p: Participant, action: string, change: { before?: unknown; after?: unknown } = {}): Promise<void> {
    return this.#audit({
      at: new Date().toISOString(),
      actor: p.user.username,
      action,
      source: p.source,
      target: `meeting:${this.meeting.id}/venue:${p.venue.id}`,
      ...change,
    }).catch((err: unknown) => this.#logger.error({ err, action }, 'could not write the audit log'));
  }

  async #sendStats(): Promise<void> {
    const chairs = this.participants.filter((p) => this.isChair(p));
    if (chairs.length === 0 || this.#media.closed) return;
    const venues = await collectVenueStatuses(this.#media, this.participants);
    for (const chair of chairs) chair.notify('meeting.stats', { venues });
  }

  #participantLeft(participant: Participant): void {
    if (this.#participants.get(participant.id) !== participant) return;
    this.#participants.delete(participant.id);
    void this.#record(participant, 'meeting.leave');
    if (!this.#media.closed) this.#media.closePeer(participant.id);
    for (const other of this.#participants.values()) {
      other.notify('participant.left', { participantId: participant.id, venueId: participant.venue.id });
    }
    this.#logger.info({ venueId: participant.venue.id, participants: this.#participants.size }, 'venue left');
    if (this.#participants.size === 0 && !this.#closed) this.close();
    else {
      void this.#applyPolicy();
      this.safeEmit('programmeChanged');
    }
  }

  #wireMedia(media: SfuRoom): void {
    media.on('consumerClosed', (peerId, consumerId) => {
      this.#participants.get(peerId)?.notify('consumer.closed', { consumerId });
    });
    media.on('activeSpeaker', (peerId) => {
      const speaker = this.#participants.get(peerId);
      if (!speaker) return;
      speaker.lastSpokeAt = Date.now();
      // Only so many venues' audio is forwarded to each venue: a new speaker may change who is heard.
      void this.#applyPolicy();
      this.control.activeSpeaker(speaker.venue.id).catch((err: unknown) => this.#logger.warn({ err }, 'voice switch failed'));
    });
    media.once('@close', (reason: RoomCloseReason) => {
      if (reason === 'worker-died' && !this.#closed) this.#recover();
    });
  }

  #recover(): void {
    const started = Date.now();
    this.#logger.warn('meeting media lost, re-creating it on a live worker');
    this.#recovering = recreateMedia({
      sfu: this.#sfu,
      meetingId: this.meeting.id,
      participants: () => this.#participants.values(),
      closed: () => this.#closed,
    })
      .then((media) => {
        if (!media) return;
        this.#media = media;
        this.#wireMedia(media);
        for (const p of this.#participants.values()) {
          p.notify('media.reset', { reason: 'worker-died', routerRtpCapabilities: media.rtpCapabilities });
        }
        const ms = Date.now() - started;
        this.#logger.warn({ ms, worker: media.workerIndex }, 'meeting media re-created');
        this.safeEmit('mediaRecovered', ms);
      })
      .catch((err: unknown) => {
        this.#logger.error({ err }, 'could not re-create meeting media; ending the room');
        this.close();
      })
      .finally(() => {
        this.#recovering = undefined;
      });
  }

  async #liveMedia(): Promise<SfuRoom> {
    if (this.#recovering) await this.#recovering;
    if (this.#closed) throw notFound('this meeting is no longer running');
    return this.#media;
  }
}
