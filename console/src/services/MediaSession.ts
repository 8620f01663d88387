import { Device, type types } from 'mediasoup-client';
import type {
  ChairCommand,
  ConsumerInfo,
  ControlState,
  MediaSource,
  ParticipantInfo,
  ResponseData,
  VenueStatus,
} from '../../../signaling/src/protocol/index.ts';
import { RequestError, type SignalingClient } from './SignalingClient.ts';
import { wire } from './wire.ts';

/** Camera simulcast: three VP8 layers; each pane receives the layer its size needs. */
const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export type SessionStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'media-restarting';

export interface MediaSessionListener {
  status(status: SessionStatus): void;
  joined(info: Omit<ResponseData['meeting.join'], 'routerRtpCapabilities'>): void;
  controlChanged(control: ControlState): void;
  stats(venues: VenueStatus[]): void;
  recordingChanged(recording: boolean): void;
  participantJoined(p: ParticipantInfo): void;
  participantLeft(participantId: string): void;
  /** The set of tracks of a participant changed (read them with remoteStream()). */
  tracksChanged(participantId: string, kinds: { audio: boolean; video: boolean }): void;
  localChanged(kinds: { audio: boolean; video: boolean }): void;
  ended(reason: 'replaced' | 'ended' | 'left' | 'removed'): void;
  error(message: string, code?: string): void;
}

interface RemoteConsumer {
  consumer: types.Consumer;
  participantId: string;
}

/**
 * A venue's media in one meeting (mediasoup-client Device, transports, producers, consumers and
 * MediaStreams). It lives outside Redux; the store hears about it through the listener.
 * It re-establishes media by itself after a signalling reconnect or a server-side media reset.
 */
export class MediaSession {
  readonly #signaling: SignalingClient;
  readonly #listener: MediaSessionListener;
  readonly #disposers: (() => void)[] = [];
  readonly #consumers = new Map<string, RemoteConsumer>();
  readonly #remoteVideo = new Map<string, MediaStream>();
  readonly #remoteAudio = new Map<string, MediaStream>();
  readonly #producers = new Map<MediaSource, types.Producer>();
  /** What the server last said anybody receives of each producer (producer.demand). */
  readonly #demand = new Map<string, number | null>();
  #meetingId: string | undefined;
  #localStream: MediaStream | undefined;
  #sendTransport: types.Transport | undefined;
  #recvTransport: types.Transport | undefined;
  /** Bumped whenever media is torn down, so that stale async work is dropped. */
  #generation = 0;
  #closed = false;

  constructor(options: { signaling: SignalingClient; listener: MediaSessionListener }) {
    this.#signaling = options.signaling;
    this.#listener = options.listener;
    const s = this.#signaling;
    this.#disposers.push(
      s.on('participant.joined', ({ participant }) => this.#listener.participantJoined(participant)),
      s.on('participant.left', ({ participantId }) => this.#participantLeft(participantId)),
      s.on('consumer.new', ({ consumer }) => void this.#consume(consumer, this.#generation)),
      s.on('consumer.closed', ({ consumerId }) => this.#consumerClosed(consumerId)),
      s.on('producer.demand', ({ producerId, spatialLayer }) => {
        this.#demand.set(producerId, spatialLayer);
        void this.#applyDemand(producerId);
      }),
      s.on('media.reset', ({ routerRtpCapabilities }) => void this.#mediaReset(routerRtpCapabilities)),
      s.on('meeting.ended', () => this.#end('ended')),
      s.on('meeting.removed', () => this.#end('removed')),
      s.on('meeting.state', ({ control }) => this.#listener.controlChanged(control)),
      s.on('meeting.stats', ({ venues }) => this.#listener.stats(venues)),
      s.on('meeting.recording', ({ recording }) => this.#listener.recordingChanged(recording)),
      s.on('session.replaced', () => this.#end('replaced')),
      s.onConnection((state) => this.#onConnection(state)),
    );
  }

  get localStream(): MediaStream | undefined {
    return this.#localStream;
  }

  /** The video of a remote venue (for a pane) and its audio (for an audio element). */
  remoteVideo(participantId: string): MediaStream | undefined {
    return this.#remoteVideo.get(participantId);
  }

  remoteAudio(participantId: string): MediaStream | undefined {
    return this.#remoteAudio.get(participantId);
  }

  /** Mutes or unmutes this venue's microphone (the server refuses while the chair has muted it). */
  async setMicMuted(muted: boolean): Promise<void> {
    await this.#signaling.request('venue.mute', { muted });
  }

  async setCameraOff(off: boolean): Promise<void> {
    const producer = this.#producers.get('camera');
    if (!producer) return;
    if (off) producer.pause();
    else producer.resume();
    await this.#signaling.request(off ? 'producer.pause' : 'producer.resume', { producerId: producer.id });
  }

  async raiseHand(raised: boolean): Promise<void> {
    await this.#signaling.request('venue.hand', { raised });
  }

  async chair(command: ChairCommand): Promise<void> {
    await this.#signaling.request('chair.command', { command });
  }

  async join(meetingId: string): Promise<void> {
    this.#meetingId = meetingId;
    this.#listener.status('joining');
    await this.#openLocalMedia();
    await this.#joinFlow();
  }

  async leave(): Promise<void> {
    if (!this.#meetingId) return;
    this.#meetingId = undefined;
    this.#teardownMedia();
    await this.#signaling.request('meeting.leave', {}).catch((error: unknown) => {
      // Leaving while disconnected is fine: the server drops the venue when the socket goes.
      if (!(error instanceof RequestError)) throw error;
    });
    this.#listener.ended('left');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#meetingId = undefined;
    this.#teardownMedia();
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    this.#localStream = undefined;
    for (const dispose of this.#disposers) dispose();
    this.#disposers.length = 0;
  }

  async #openLocalMedia(): Promise<void> {
    if (this.#localStream) return;
    try {
      this.#localStream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 20 } },
      });
    } catch (error) {
      this.#listener.error(error instanceof Error ? error.message : String(error));
      this.#localStream = new MediaStream();
    }
    this.#listener.localChanged({
      audio: this.#localStream.getAudioTracks().length > 0,
      video: this.#localStream.getVideoTracks().length > 0,
    });
  }

  async #joinFlow(): Promise<void> {
    const meetingId = this.#meetingId;
    if (!meetingId) return;
    this.#teardownMedia();
    const generation = this.#generation;
    try {
      const joined = await this.#signaling.request('meeting.join', { meetingId });
      if (generation !== this.#generation) return;
      const { routerRtpCapabilities, ...info } = joined;
      this.#listener.joined(info);
      await this.#connectMedia(routerRtpCapabilities, generation);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#fail(error);
    }
  }

  async #connectMedia(routerRtpCapabilities: unknown, generation: number): Promise<void> {
    const device = new Device();
    await device.load({ routerRtpCapabilities: wire.routerCapabilities(routerRtpCapabilities) });
    if (generation !== this.#generation) return;

    const sendInfo = await this.#signaling.request('transport.create', { direction: 'send' });
    if (generation !== this.#generation) return;
    const send = device.createSendTransport(wire.transportOptions(sendInfo));
    this.#sendTransport = send;
    send.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signaling.request('transport.connect', { transportId: send.id, dtlsParameters }).then(() => callback(), errback);
    });
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.#signaling
        .request('producer.create', { transportId: send.id, kind, rtpParameters, source: appData.source })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });

    const recvInfo = await this.#signaling.request('transport.create', { direction: 'recv' });
    if (generation !== this.#generation) return;
    const recv = device.createRecvTransport(wire.transportOptions(recvInfo));
    this.#recvTransport = recv;
    recv.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signaling.request('transport.connect', { transportId: recv.id, dtlsParameters }).then(() => callback(), errback);
    });

    await this.#signaling.request('media.ready', { rtpCapabilities: device.rtpCapabilities });
    if (generation !== this.#generation) return;
    this.#listener.status('joined');

    for (const track of this.#localStream?.getTracks() ?? []) {
      const source: MediaSource = track.kind === 'video' ? 'camera' : 'microphone';
      if (!device.canProduce(track.kind === 'video' ? 'video' : 'audio')) continue;
      const producer = await send.produce({
        track,
        appData: { source },
        stopTracks: false,
        ...(source === 'camera'
          ? { encodings: SIMULCAST_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } }
          : // A microphone nobody may hear sends nothing at all (the local track stays live).
            { disableTrackOnPause: false, zeroRtpOnPause: true }),
      });
      if (generation !== this.#generation) return;
      this.#producers.set(source, producer);
      // The server may have said what it needs before produce() resolved here.
      void this.#applyDemand(producer.id);
    }
  }

  /**
   * Sends only what anybody receives (dynacast): the camera's simulcast layers up to the highest
   * one a pane shows, and the microphone only while the server forwards it.
   */
  async #applyDemand(producerId: string): Promise<void> {
    const producer = [...this.#producers.values()].find((p) => p.id === producerId);
    if (!producer || producer.closed || !this.#demand.has(producerId)) return;
    const demand = this.#demand.get(producerId) ?? null;
    try {
      if (producer.kind === 'video') {
        if (producer.maxSpatialLayer !== (demand ?? 0)) await producer.setMaxSpatialLayer(demand ?? 0);
      } else if (demand === null) {
        if (!producer.paused) producer.pause();
      } else if (producer.paused) {
        producer.resume();
      }
    } catch (error) {
      // Media keeps flowing as it was: the demand only saves bandwidth and encoding.
      console.warn('could not apply producer demand', error);
    }
  }

  async #consume(info: ConsumerInfo, generation: number): Promise<void> {
    const recv = this.#recvTransport;
    if (!recv || generation !== this.#generation) return;
    try {
      const consumer = await recv.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: wire.consumerRtpParameters(info.rtpParameters),
      });
      if (generation !== this.#generation) {
        consumer.close();
        return;
      }
      this.#consumers.set(consumer.id, { consumer, participantId: info.participantId });
      const streams = info.kind === 'video' ? this.#remoteVideo : this.#remoteAudio;
      let stream = streams.get(info.participantId);
      if (!stream) {
        stream = new MediaStream();
        streams.set(info.participantId, stream);
      }
      stream.addTrack(consumer.track);
      this.#tracksChanged(info.participantId);
      await this.#signaling.request('consumer.resume', { consumerId: consumer.id });
    } catch (error) {
      if (generation === this.#generation) this.#listener.error(error instanceof Error ? error.message : String(error));
    }
  }

  #consumerClosed(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    entry.consumer.close();
    this.#remoteVideo.get(entry.participantId)?.removeTrack(entry.consumer.track);
    this.#remoteAudio.get(entry.participantId)?.removeTrack(entry.consumer.track);
    this.#tracksChanged(entry.participantId);
  }

  #participantLeft(participantId: string): void {
    for (const [id, entry] of this.#consumers) if (entry.participantId === participantId) this.#consumerClosed(id);
    this.#remoteVideo.delete(participantId);
    this.#remoteAudio.delete(participantId);
    this.#listener.participantLeft(participantId);
  }

  #tracksChanged(participantId: string): void {
    this.#listener.tracksChanged(participantId, {
      audio: (this.#remoteAudio.get(participantId)?.getAudioTracks().length ?? 0) > 0,
      video: (this.#remoteVideo.get(participantId)?.getVideoTracks().length ?? 0) > 0,
    });
  }

  async #mediaReset(routerRtpCapabilities: unknown): Promise<void> {
    if (!this.#meetingId) return;
    this.#listener.status('media-restarting');
    const participants = [...new Set([...this.#remoteVideo.keys(), ...this.#remoteAudio.keys()])];
    this.#teardownMedia();
    for (const id of participants) this.#tracksChanged(id);
    try {
      await this.#connectMedia(routerRtpCapabilities, this.#generation);
    } catch (error) {
      this.#fail(error);
    }
  }

  #onConnection(state: 'connected' | 'reconnected' | 'disconnected'): void {
    if (!this.#meetingId) return;
    if (state === 'disconnected') {
      this.#listener.status('reconnecting');
      this.#teardownMedia();
    } else if (state === 'reconnected') {
      void this.#joinFlow();
    }
  }

  #end(reason: 'replaced' | 'ended' | 'removed'): void {
    this.#meetingId = undefined;
    this.#teardownMedia();
    this.#listener.ended(reason);
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#listener.error(message, error instanceof RequestError ? error.code : undefined);
    // A dropped connection is retried by the reconnect handler; anything else ends the attempt.
    if (!(error instanceof RequestError && (error.code === 'disconnected' || error.code === 'timeout'))) {
      this.#meetingId = undefined;
      this.#teardownMedia();
      this.#listener.ended('left');
    }
  }

  #teardownMedia(): void {
    this.#generation++;
    for (const { consumer } of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    this.#remoteVideo.clear();
    this.#remoteAudio.clear();
    this.#producers.clear();
    this.#demand.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = undefined;
    this.#recvTransport = undefined;
  }
}
