// One venue of the full-network benchmark without a browser: the console's signalling flow
// (join, send and receive transports, RTP capabilities, camera + microphone producers, consumers
// resumed as the server offers them) over real ICE/DTLS/SRTP, publishing the pre-encoded clip as
// VP8 simulcast (three SSRCs) and Opus, and timing what it receives.
import { randomBytes } from 'node:crypto';
import { connectSocket, login, request, type ClientSocket } from '../../test/helpers/stack.ts';
import { isAudible, screenFor, type ChairCommand, type ControlState } from '../../signaling/src/protocol/index.ts';
import type { Clip } from './clip.ts';
import { MediaLink, type LocalCertificate } from './MediaLink.ts';
import type { MediaCheck, VenueStats, Watch, WatchResult } from './messages.ts';
import { randomSsrc, RtpStreamState, vp8Packets } from './rtp.ts';
import {
  ackData,
  chairAckSchema,
  consumerClosedSchema,
  consumerNewSchema,
  joinResponseSchema,
  meetingStateSchema,
  producerDemandSchema,
  participantJoinedSchema,
  participantLeftSchema,
  producerCreatedSchema,
  transportSchema,
  type RouterCodec,
} from './wire.ts';

type Kind = 'audio' | 'video';
const key = (venueId: string, kind: Kind) => `${venueId}:${kind}`;
/** The meeting's programme stream (the picture switched server-side from venue to venue). */
const PROGRAMME_KEY = 'programme:video';

const VP8_PT = 96;
const OPUS_PT = 111;
/** Pacing falls this far behind before frames are skipped rather than sent in a burst. */
const MAX_PACER_LAG_MS = 200;

interface RecvConsumer {
  id: string;
  key: string;
  ssrc: number;
  packets: number;
  firstExt: number;
  highestExt: number;
  lastAt: number;
  verifyCountdown: number;
}

interface PendingWatch {
  spec: Watch;
  armedAt: number;
  stateAt: number | null;
  consumerAt: number | null;
  /** Media keys that must start arriving, with their arrival times. */
  arrive: Map<string, number | null>;
  /** Media keys that must stop arriving. */
  stop: string[];
  /** For the programme: the CSRCs (the awaited camera's SSRCs) its packets must carry. */
  programmeCsrcs?: Set<number>;
}

export interface SyntheticVenueOptions {
  baseUrl: string;
  venueId: string;
  meetingId: string;
  clip: Clip;
  cert: LocalCertificate;
  now: () => number;
  /** Authenticate one received packet in this many per consumer (and every packet a measurement uses). */
  verifyEvery: number;
  /** How many venues take part (invited venues may stay away); readiness waits for all of them. */
  expectedPresent: number;
  onJoined: (at: number, cameraSsrcs: number[]) => void;
  onReady: (at: number) => void;
}

export class SyntheticVenue {
  readonly venueId: string;
  readonly #o: SyntheticVenueOptions;
  readonly #socket: ClientSocket;
  readonly #ssrcs = new Set<number>();
  readonly #layers: RtpStreamState[];
  readonly #mic: RtpStreamState;
  readonly #layerPos: number[];
  readonly #pictureIds: number[];
  #audioPos = 0;
  /** Producer ids by source, and the server's producer.demand for each (dynacast, as the console). */
  readonly #producerIds = new Map<'camera' | 'microphone', string>();
  readonly #demand = new Map<string, number | null>();
  /** Layers being sent: a layer switched back on starts at its keyframe, as a browser's encoder does. */
  readonly #layerOn: boolean[];
  #nextAudioAt = 0;
  #nextVideoAt = 0;
  #sending = false;
  #send: MediaLink | undefined;
  #recv: MediaLink | undefined;
  readonly #consumers = new Map<number, RecvConsumer>();
  readonly #consumerIds = new Map<string, RecvConsumer>();
  readonly #byKey = new Map<string, RecvConsumer>();
  /** Last packet time of consumers the server closed (a venue no longer hears a muted venue). */
  readonly #closedLastAt = new Map<string, number>();
  /** When each expected media key became expected (screen or audible venues changed). */
  #expectedSince = new Map<string, number>();
  #control: ControlState | undefined;
  #chairVenueId = '';
  #invited: string[] = [];
  readonly #present = new Set<string>();
  #readyAt: number | null = null;
  #joined = false;
  readonly #watches = new Map<number, PendingWatch>();
  readonly #stats = {
    packetsSent: 0,
    keyframeRequests: 0,
    retransmitted: 0,
    pacerLateMs: 0,
    srtpVerified: 0,
    srtpFailures: 0,
    unknownSsrcPackets: 0,
    signallingErrors: 0,
  };
  #lastError: string | null = null;
  #profile: number | null = null;
  #closed = false;

  /** Logs in and connects the venue's socket (a console sitting on the meeting list). */
  static async create(options: SyntheticVenueOptions): Promise<SyntheticVenue> {
    const { token } = await login(options.baseUrl, options.venueId === 'hall' ? 'chair' : options.venueId);
    const socket = await connectSocket(options.baseUrl, token);
    return new SyntheticVenue(options, socket);
  }

  private constructor(options: SyntheticVenueOptions, socket: ClientSocket) {
    this.#o = options;
    this.venueId = options.venueId;
    this.#socket = socket;
    const layerCount = options.clip.layers.length;
    this.#layers = Array.from({ length: layerCount }, () => new RtpStreamState(randomSsrc(this.#ssrcs), VP8_PT));
    this.#mic = new RtpStreamState(randomSsrc(this.#ssrcs), OPUS_PT);
    this.#layerPos = new Array<number>(layerCount).fill(0);
    this.#pictureIds = Array.from({ length: layerCount }, () => randomBytes(2).readUInt16BE(0) & 0x7fff);
    this.#layerOn = new Array<boolean>(layerCount).fill(true);
    // A notification that does not parse, or a request that fails, is counted, never thrown.
    const on = (event: string, handler: (data: unknown) => void | Promise<void>) => {
      socket.on(event as 'consumer.new', (data: unknown) => {
        Promise.resolve()
          .then(() => handler(data))
          .catch((error: unknown) => {
            if (this.#closed) return;
            this.#stats.signallingErrors++;
            this.#lastError = `${event}: ${String(error)}`;
          });
      });
    };
    on('consumer.new', (data) => this.#onConsumerNew(data));
    on('consumer.closed', (data) => this.#onConsumerClosed(data));
    on('producer.demand', (data) => {
      const { producerId, spatialLayer } = producerDemandSchema.parse(data);
      this.#demand.set(producerId, spatialLayer);
    });
    on('meeting.state', (data) => this.#onState(meetingStateSchema.parse(data).control, this.#o.now()));
    on('participant.joined', (data) => {
      this.#present.add(participantJoinedSchema.parse(data).participant.venueId);
      this.#expectationsChanged(this.#o.now());
    });
    on('participant.left', (data) => {
      this.#present.delete(participantLeftSchema.parse(data).venueId);
      this.#expectationsChanged(this.#o.now());
    });
  }

  get ready(): boolean {
    return this.#readyAt !== null;
  }

  /** The console's join flow, with both transports set up at once. */
  async join(): Promise<void> {
    const joined = ackData(await request(this.#socket, 'meeting.join', { meetingId: this.#o.meetingId }), joinResponseSchema, 'meeting.join');
    this.#joined = true;
    this.#o.onJoined(this.#o.now(), this.#layers.map((l) => l.ssrc));
    this.#chairVenueId = joined.chairVenueId;
    this.#invited = joined.invited.map((v) => v.venueId);
    this.#present.add(this.venueId);
    for (const p of joined.participants) this.#present.add(p.venueId);
    this.#onState(joined.control, this.#o.now());

    const [send, recv] = await Promise.all([this.#transport('send'), this.#transport('recv')]);
    this.#send = send;
    this.#recv = recv;
    recv.onRtp((packet, at) => this.#onRtp(packet, at));
    send.onRtcp((packet) => this.#onSenderRtcp(packet));

    await this.#request('media.ready', { rtpCapabilities: this.#rtpCapabilities(joined.routerRtpCapabilities.codecs) });
    const cname = `${this.venueId}-${randomBytes(4).toString('hex')}`;
    const rtcp = { cname, reducedSize: true };
    const bitrates = this.#o.clip.settings.layerBitrates;
    await this.#produce(send, 'video', 'camera', {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: VP8_PT,
          clockRate: 90000,
          parameters: {},
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
        },
      ],
      headerExtensions: [],
      encodings: this.#layers.map((s, i) => ({ ssrc: s.ssrc, maxBitrate: bitrates[i] })),
      rtcp,
    });
    await this.#produce(send, 'audio', 'microphone', {
      codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
      headerExtensions: [],
      encodings: [{ ssrc: this.#mic.ssrc }],
      rtcp,
    });
  }

  /** Sends the chair command and returns when it was sent and acknowledged. */
  async command(command: ChairCommand): Promise<{ at: number; ackAt: number }> {
    const at = this.#o.now();
    ackData(await request(this.#socket, 'chair.command', { command }), chairAckSchema, `chair.command ${command.type}`);
    return { at, ackAt: this.#o.now() };
  }

  /** Sends whatever media is due (called by the process's pacer every few milliseconds). */
  tick(now: number): void {
    if (!this.#sending || !this.#send) return;
    const { fps } = this.#o.clip.settings;
    const frameMs = 1000 / fps;
    if (now - this.#nextAudioAt > MAX_PACER_LAG_MS) {
      this.#stats.pacerLateMs += now - this.#nextAudioAt;
      this.#nextAudioAt = now;
    }
    while (this.#nextAudioAt <= now) {
      this.#sendAudio(this.#send);
      this.#nextAudioAt += 20;
    }
    if (now - this.#nextVideoAt > MAX_PACER_LAG_MS) this.#nextVideoAt = now;
    while (this.#nextVideoAt <= now) {
      this.#sendVideo(this.#send, fps);
      this.#nextVideoAt += frameMs;
    }
  }

  /** Starts timing a command's effect here (before the chair sends it). */
  arm(id: number, spec: Watch, at: number): void {
    const watch: PendingWatch = { spec, armedAt: at, stateAt: null, consumerAt: null, arrive: new Map(), stop: [] };
    const chair = this.#chairVenueId;
    if (spec.kind === 'broadcast') {
      // A large meeting's broadcast plays on the programme stream; the broadcast venue shows the chair's camera.
      if (this.venueId === spec.venueId) watch.arrive.set(key(chair, 'video'), null);
      else if (this.venueId !== chair) {
        watch.arrive.set(PROGRAMME_KEY, null);
        watch.programmeCsrcs = new Set(spec.cameraSsrcs);
      }
    } else {
      const others = spec.venueIds.filter((v) => v !== this.venueId);
      if (spec.kind === 'unmute') for (const v of others) watch.arrive.set(key(v, 'audio'), null);
      else watch.stop = others.map((v) => key(v, 'audio'));
    }
    this.#watches.set(id, watch);
  }

  /** The outcome of a watch: waits for outstanding arrivals until `deadline`. */
  async collect(id: number, deadline: number): Promise<WatchResult> {
    const watch = this.#watches.get(id);
    if (!watch) return { venueId: this.venueId, appliedAt: null, stateAt: null, consumerAt: null, reason: 'not armed' };
    while (this.#o.now() < deadline && (watch.stateAt === null || [...watch.arrive.values()].some((t) => t === null))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.#watches.delete(id);
    const { stateAt, consumerAt } = watch;
    if (stateAt === null) return { venueId: this.venueId, appliedAt: null, stateAt, consumerAt, reason: 'no meeting.state' };
    let appliedAt = stateAt;
    for (const [k, t] of watch.arrive) {
      if (t === null) return { venueId: this.venueId, appliedAt: null, stateAt, consumerAt, reason: `no RTP from ${k}` };
      appliedAt = Math.max(appliedAt, t);
    }
    const silentSince = this.#o.now() - 300;
    for (const k of watch.stop) {
      const c = this.#byKey.get(k);
      const lastAt = c?.lastAt ?? this.#closedLastAt.get(k) ?? -Infinity;
      if (c && lastAt > silentSince) return { venueId: this.venueId, appliedAt: null, stateAt, consumerAt, reason: `RTP from ${k} did not stop` };
      if (lastAt > watch.armedAt) appliedAt = Math.max(appliedAt, lastAt);
    }
    return { venueId: this.venueId, appliedAt, stateAt, consumerAt };
  }

  /** Whether RTP of everything this venue's screen and loudspeaker should play arrived in the last second. */
  mediaCheck(now: number): MediaCheck {
    const missing: string[] = [];
    if (!this.#joined) return { venueId: this.venueId, ok: false, missing: ['not joined'] };
    const expected = this.#expected();
    for (const k of expected) {
      const c = this.#byKey.get(k);
      if (!c || c.lastAt < now - 1000 || c.lastAt < (this.#expectedSince.get(k) ?? now)) missing.push(k);
    }
    const videos = [...expected].filter((k) => k.endsWith(':video')).length;
    if (videos === 0) missing.push('no video expected');
    return { venueId: this.venueId, ok: missing.length === 0, missing };
  }

  stats(): VenueStats {
    let packetsReceived = 0;
    let packetsLost = 0;
    for (const c of this.#consumers.values()) {
      packetsReceived += c.packets;
      packetsLost += Math.max(0, c.highestExt - c.firstExt + 1 - c.packets);
    }
    return {
      venueId: this.venueId,
      ...this.#stats,
      packetsReceived,
      packetsLost,
      sendErrors: (this.#send?.sendErrors ?? 0) + (this.#recv?.sendErrors ?? 0),
      consumers: this.#consumers.size,
      srtpProfile: this.#profile,
      lastError: this.#lastError,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sending = false;
    this.#send?.close();
    this.#recv?.close();
    this.#socket.close();
  }

  async #request(method: string, data: unknown): Promise<unknown> {
    const ack = await request(this.#socket, method, data);
    if (!ack.ok) throw new Error(`${method} refused: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  async #transport(direction: 'send' | 'recv'): Promise<MediaLink> {
    const info = transportSchema.parse(await this.#request('transport.create', { direction }));
    const link = await MediaLink.create({ remote: info, now: this.#o.now });
    await this.#request('transport.connect', { transportId: info.id, dtlsParameters: MediaLink.dtlsParameters(this.#o.cert) });
    const { profile } = await link.connect(this.#o.cert);
    this.#profile = profile;
    return link;
  }

  /** What this venue can receive: the router's Opus and VP8, without RTX or bandwidth-estimation feedback. */
  #rtpCapabilities(codecs: RouterCodec[]) {
    const wanted = codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/opus' || c.mimeType.toLowerCase() === 'video/vp8');
    return {
      codecs: wanted.map((c) => ({
        ...c,
        rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type === 'nack' || f.type === 'ccm'),
      })),
      headerExtensions: [],
    };
  }

  async #produce(send: MediaLink, kind: Kind, source: 'camera' | 'microphone', rtpParameters: unknown): Promise<void> {
    const ack = await request(this.#socket, 'producer.create', { transportId: send.remoteId, kind, rtpParameters, source });
    this.#producerIds.set(source, ackData(ack, producerCreatedSchema, `producer.create ${source}`).producerId);
    if (!this.#sending) {
      const now = this.#o.now();
      // Random phases spread the venues' packets over time, as independent cameras would.
      this.#nextAudioAt = now + Math.random() * 20;
      this.#nextVideoAt = now + Math.random() * (1000 / this.#o.clip.settings.fps);
      this.#sending = true;
    }
  }

  async #onConsumerNew(data: unknown): Promise<void> {
    const { consumer } = consumerNewSchema.parse(data);
    const c: RecvConsumer = {
      id: consumer.id,
      key: consumer.source === 'programme' ? PROGRAMME_KEY : key(consumer.venueId, consumer.kind),
      ssrc: consumer.rtpParameters.encodings[0]!.ssrc,
      packets: 0,
      firstExt: -1,
      highestExt: -1,
      lastAt: -Infinity,
      verifyCountdown: 0,
    };
    this.#consumers.set(c.ssrc, c);
    this.#consumerIds.set(c.id, c);
    this.#byKey.set(c.key, c);
    const at = this.#o.now();
    for (const watch of this.#watches.values()) {
      if (watch.consumerAt === null && watch.arrive.get(c.key) === null) watch.consumerAt = at;
    }
    await this.#request('consumer.resume', { consumerId: consumer.id });
  }

  #onConsumerClosed(data: unknown): void {
    const { consumerId } = consumerClosedSchema.parse(data);
    const c = this.#consumerIds.get(consumerId);
    if (!c) return;
    this.#consumerIds.delete(consumerId);
    this.#consumers.delete(c.ssrc);
    if (this.#byKey.get(c.key) === c) this.#byKey.delete(c.key);
    this.#closedLastAt.set(c.key, c.lastAt);
  }

  #onState(control: ControlState, at: number): void {
    this.#control = control;
    for (const watch of this.#watches.values()) {
      if (watch.stateAt === null && watch.armedAt <= at && stateShows(watch.spec, control)) watch.stateAt = at;
    }
    this.#expectationsChanged(at);
  }

  /** Video of the venues on this venue's screen, audio of the audible venues (the server's own rules). */
  #expected(): Set<string> {
    const expected = new Set<string>();
    const control = this.#control;
    if (!control || !this.#chairVenueId) return expected;
    const presence = { chairVenueId: this.#chairVenueId, present: this.#invited.filter((v) => this.#present.has(v)) };
    const screen = screenFor(control, this.venueId, presence);
    if (screen.programme) expected.add(PROGRAMME_KEY);
    else {
      for (const v of screen.panes) if (v && v !== this.venueId && this.#present.has(v)) expected.add(key(v, 'video'));
    }
    for (const v of this.#present) {
      if (v !== this.venueId && isAudible(control, v, this.#chairVenueId)) expected.add(key(v, 'audio'));
    }
    return expected;
  }

  #expectationsChanged(at: number): void {
    const next = new Map<string, number>();
    for (const k of this.#expected()) next.set(k, this.#expectedSince.get(k) ?? at);
    this.#expectedSince = next;
    if (this.#readyAt === null) this.#checkReady(at);
  }

  /**
   * Joined and receiving: every venue taking part is present, and RTP arrived of everything
   * this venue should play (for a township: the chair venue's camera and microphone, the picture
   * shown with no broadcast; for the chair: the nine venues of its 3×3 polling view).
   */
  #checkReady(at: number): void {
    if (!this.#sending || this.#present.size < this.#o.expectedPresent) return;
    if (this.#control && this.venueId === this.#chairVenueId && !this.#control.chairView) return;
    let videos = 0;
    for (const [k, since] of this.#expectedSince) {
      const c = this.#byKey.get(k);
      if (!c || c.lastAt < since) return;
      if (k.endsWith(':video')) videos++;
    }
    if (videos === 0) return;
    this.#readyAt = at;
    this.#o.onReady(at);
  }

  #onRtp(packet: Buffer, at: number): void {
    if (packet.length < 12) return;
    const ssrc = packet.readUInt32BE(8);
    const c = this.#consumers.get(ssrc);
    if (!c || !this.#recv) {
      this.#stats.unknownSsrcPackets++;
      return;
    }
    const seq = packet.readUInt16BE(2);
    const receiver = this.#recv.receiver;
    const roc = receiver.observe(ssrc, seq);
    const waited = this.#hasWatchOn(c.key);
    if (c.verifyCountdown <= 0 || waited) {
      if (!receiver.unprotect(packet, roc)) {
        this.#stats.srtpFailures++;
        return;
      }
      this.#stats.srtpVerified++;
      c.verifyCountdown = this.#o.verifyEvery;
    }
    c.verifyCountdown--;
    const ext = roc * 0x10000 + seq;
    if (c.firstExt < 0) c.firstExt = ext;
    if (ext > c.highestExt) c.highestExt = ext;
    c.packets++;
    c.lastAt = at;
    if (waited) {
      // The programme counts once it carries the awaited camera (its SSRC as the packet's CSRC).
      const csrc = c.key === PROGRAMME_KEY && (packet[0]! & 0x0f) > 0 ? packet.readUInt32BE(12) : null;
      for (const watch of this.#watches.values()) {
        if (watch.arrive.get(c.key) !== null || at < watch.armedAt) continue;
        if (watch.programmeCsrcs && c.key === PROGRAMME_KEY && (csrc === null || !watch.programmeCsrcs.has(csrc))) continue;
        watch.arrive.set(c.key, at);
      }
    }
    if (this.#readyAt === null) this.#checkReady(at);
  }

  #hasWatchOn(k: string): boolean {
    for (const watch of this.#watches.values()) if (watch.arrive.get(k) === null) return true;
    return false;
  }

  /** Keyframe requests (PLI, FIR) from the SFU restart that layer's clip at its keyframe. */
  #onSenderRtcp(packet: Buffer): void {
    let offset = 0;
    while (offset + 12 <= packet.length) {
      const fmt = packet[offset]! & 0x1f;
      const pt = packet[offset + 1]!;
      const length = (packet.readUInt16BE(offset + 2) + 1) * 4;
      if (pt === 205 && fmt === 1 && offset + 16 <= packet.length) {
        // Generic NACK: resend the lost video packets (each FCI: first lost seq + bitmask of 16 more).
        const ssrc = packet.readUInt32BE(offset + 8);
        const seqs: number[] = [];
        for (let fci = offset + 12; fci + 4 <= offset + length && fci + 4 <= packet.length; fci += 4) {
          const pid = packet.readUInt16BE(fci);
          const blp = packet.readUInt16BE(fci + 2);
          seqs.push(pid);
          for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) seqs.push((pid + bit + 1) & 0xffff);
        }
        this.#stats.retransmitted += this.#send?.resend(ssrc, seqs) ?? 0;
      }
      if (pt === 206 && (fmt === 1 || fmt === 4)) {
        const ssrc = fmt === 1 ? packet.readUInt32BE(offset + 8) : packet.length >= offset + 16 ? packet.readUInt32BE(offset + 12) : 0;
        const layer = this.#layers.findIndex((s) => s.ssrc === ssrc);
        if (layer >= 0) {
          this.#layerPos[layer] = 0;
          this.#stats.keyframeRequests++;
        }
      }
      offset += length;
    }
  }

  /** The server's demand for one of this venue's producers: undefined until it has said. */
  #demandOf(source: 'camera' | 'microphone'): number | null | undefined {
    const id = this.#producerIds.get(source);
    return id !== undefined && this.#demand.has(id) ? this.#demand.get(id)! : undefined;
  }

  #sendAudio(send: MediaLink): void {
    const opus = this.#o.clip.opus;
    // A microphone nobody may hear sends nothing (the console's zeroRtpOnPause); time runs on.
    if (this.#demandOf('microphone') === null) {
      this.#audioPos = (this.#audioPos + 1) % opus.length;
      this.#mic.timestamp += 960;
      return;
    }
    const { packet, roc } = this.#mic.packet([opus[this.#audioPos]!], false);
    this.#audioPos = (this.#audioPos + 1) % opus.length;
    this.#mic.timestamp += 960;
    send.sendRtp(packet, roc);
    this.#stats.packetsSent++;
  }

  #sendVideo(send: MediaLink, fps: number): void {
    const layers = this.#o.clip.layers;
    const maxLayer = this.#demandOf('camera') ?? this.#layers.length - 1;
    for (let i = 0; i < this.#layers.length; i++) {
      const stream = this.#layers[i]!;
      const frames = layers[i]!;
      const on = i <= maxLayer;
      if (on && !this.#layerOn[i]) this.#layerPos[i] = 0;
      this.#layerOn[i] = on;
      if (!on) {
        stream.timestamp += 90000 / fps;
        continue;
      }
      const frame = frames[this.#layerPos[i]!]!;
      for (const { packet, roc } of vp8Packets(stream, frame.data, this.#pictureIds[i]!)) {
        send.sendRtp(packet, roc, true);
        this.#stats.packetsSent++;
      }
      this.#layerPos[i] = (this.#layerPos[i]! + 1) % frames.length;
      this.#pictureIds[i] = (this.#pictureIds[i]! + 1) & 0x7fff;
      stream.timestamp += 90000 / fps;
    }
  }
}

function stateShows(spec: Watch, control: ControlState): boolean {
  if (spec.kind === 'broadcast') return control.broadcast === spec.venueId;
  if (spec.kind === 'unmute') return spec.venueIds.every((v) => !control.muted.includes(v));
  return spec.venueIds.every((v) => control.muted.includes(v));
}
