import { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import { mediaCodecs } from './mediaCodecs.ts';
import { SfuPeer } from './SfuPeer.ts';
import type { WorkerPool, WorkerSlot } from './WorkerPool.ts';
import { SfuError } from './SfuError.ts';
import { PlainTap } from './PlainTap.ts';

export type RoomCloseReason = 'closed' | 'worker-died';

export type SfuRoomEvents = {
  consumerClosed: [peerId: string, consumerId: string];
  '@close': [reason: RoomCloseReason];
};

export interface TransportOptions {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  producerPaused: boolean;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: types.MediaKind;
  paused: boolean;
  source: string;
}

/**
 * One meeting's media: a router on one worker and the peers' transports, producers and consumers.
 * Signalling talks to it with plain data (ids, parameters) so that it could live in another process.
 */
export class SfuRoom extends EnhancedEventEmitter<SfuRoomEvents> {
  readonly id: string;
  readonly #router: types.Router;
  readonly #slot: WorkerSlot;
  readonly #peers = new Map<string, SfuPeer>();
  readonly #initialOutgoingBitrate: number;
  readonly #taps = new Set<PlainTap>();
  readonly #logger: Logger;
  #closed = false;

  static async create(options: {
    id: string;
    pool: WorkerPool;
    maxConsumersPerWorker: number;
    initialOutgoingBitrate: number;
  }): Promise<SfuRoom> {
    await options.pool.whenAnyLive();
    const slot = options.pool.pick({ maxConsumers: options.maxConsumersPerWorker });
    const router = await slot.worker.createRouter({ mediaCodecs });
    return new SfuRoom({ id: options.id, router, slot, initialOutgoingBitrate: options.initialOutgoingBitrate });
  }

  private constructor(options: {
    id: string;
    router: types.Router;
    slot: WorkerSlot;
    initialOutgoingBitrate: number;
  }) {
    super();
    this.id = options.id;
    this.#router = options.router;
    this.#slot = options.slot;
    this.#slot.routers++;
    this.#initialOutgoingBitrate = options.initialOutgoingBitrate;
    this.#logger = getLogger('SfuRoom', { roomId: this.id, worker: this.#slot.index });
    this.#router.on('workerclose', () => this.#workerClosed());
    this.#logger.info('room media created');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workerIndex(): number {
    return this.#slot.index;
  }

  get workerPid(): number {
    return this.#slot.worker.pid;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  get peerIds(): string[] {
    return [...this.#peers.keys()];
  }

  addPeer(peerId: string): void {
    this.#assertOpen();
    if (this.#peers.has(peerId)) return;
    const peer = new SfuPeer({ id: peerId, roomId: this.id, slot: this.#slot });
    peer.on('consumerClosed', (consumerId) => this.safeEmit('consumerClosed', peerId, consumerId));
    peer.once('@close', () => this.#peers.delete(peerId));
    this.#peers.set(peerId, peer);
  }

  closePeer(peerId: string): void {
    this.#peers.get(peerId)?.close();
  }

  setRtpCapabilities(peerId: string, rtpCapabilities: types.RtpCapabilities): void {
    this.#peer(peerId).rtpCapabilities = rtpCapabilities;
  }

  async createWebRtcTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    const peer = this.#peer(peerId);
    const transport = await this.#router.createWebRtcTransport({
      webRtcServer: this.#slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: this.#initialOutgoingBitrate,
      appData: { direction },
    });
    if (peer.closed) {
      transport.close();
      throw new SfuError('peer_gone', 'the venue left while its transport was being created');
    }
    peer.addTransport(transport);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = this.#transport(peerId, transportId);
    await rejectingBadParameters(() => transport.connect({ dtlsParameters }));
  }

  async produce(
    peerId: string,
    options: { transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters; source: string },
  ): Promise<ProducerInfo> {
    const peer = this.#peer(peerId);
    const transport = this.#transport(peerId, options.transportId);
    if (transport.appData.direction !== 'send') throw new SfuError('bad_transport', 'that transport does not send');
    const producer = await rejectingBadParameters(() =>
      transport.produce({ kind: options.kind, rtpParameters: options.rtpParameters, appData: { source: options.source } }),
    );
    peer.addProducer(producer);
    return { producerId: producer.id, peerId, kind: producer.kind, paused: producer.paused, source: options.source };
  }

  /** Creates a paused consumer of producerId for peerId, or returns null if peerId cannot receive it. */
  async consume(peerId: string, producerId: string): Promise<ConsumerOptions | null> {
    const peer = this.#peer(peerId);
    if (!peer.rtpCapabilities) throw new SfuError('not_ready', 'the venue has not sent its RTP capabilities');
    if (!this.#router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) return null;
    const transport = [...peer.transports.values()].find((t) => t.appData.direction === 'recv');
    if (!transport) throw new SfuError('not_ready', 'the venue has no receiving transport');
    const consumer = await transport.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true });
    peer.addConsumer(consumer);
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.#peer(peerId).consumers.get(consumerId);
    if (!consumer) throw new SfuError('not_found', 'no such consumer');
    await consumer.resume();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const producer = this.#producer(peerId, producerId);
    if (paused) await producer.pause();
    else await producer.resume();
  }

  closeProducer(peerId: string, producerId: string): void {
    this.#producer(peerId, producerId).close();
  }

  /**
   * Sends one producer's RTP as plain RTP to a local receiver (a recorder, a gateway). The tap is
   * created paused: start the receiver, then resume() it. Taps close with the room.
   */
  async createPlainTap(
    producerId: string,
    target: { ip: string; rtpPort: number; rtcpPort?: number },
    rtpCapabilities?: types.RtpCapabilities,
  ): Promise<PlainTap> {
    this.#assertOpen();
    if (!this.producers().some((p) => p.producerId === producerId)) throw new SfuError('not_found', 'no such producer');
    const tap = await PlainTap.create({ router: this.#router, producerId, listenIp: '127.0.0.1', target, rtpCapabilities });
    this.#taps.add(tap);
    tap.once('@close', () => this.#taps.delete(tap));
    return tap;
  }

  /** Producers of every peer except `exceptPeerId`. */
  producers(exceptPeerId?: string): ProducerInfo[] {
    const list: ProducerInfo[] = [];
    for (const peer of this.#peers.values()) {
      if (peer.id === exceptPeerId) continue;
      for (const p of peer.producers.values()) {
        list.push({ producerId: p.id, peerId: peer.id, kind: p.kind, paused: p.paused, source: String(p.appData.source) });
      }
    }
    return list;
  }

  /** Counts of live mediasoup objects, per peer, straight from the server's own maps. */
  peerCounts(peerId: string): { transports: number; producers: number; consumers: number } {
    const peer = this.#peers.get(peerId);
    return {
      transports: peer?.transports.size ?? 0,
      producers: peer?.producers.size ?? 0,
      consumers: peer?.consumers.size ?? 0,
    };
  }

  counts(): { transports: number; producers: number; consumers: number } {
    const total = { transports: 0, producers: 0, consumers: 0 };
    for (const id of this.#peers.keys()) {
      const c = this.peerCounts(id);
      total.transports += c.transports;
      total.producers += c.producers;
      total.consumers += c.consumers;
    }
    return total;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing room media');
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    for (const tap of this.#taps) tap.close();
    this.#router.close();
    this.#slot.routers--;
    this.safeEmit('@close', 'closed');
  }

  #workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.warn('room media lost: its worker died');
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    for (const tap of this.#taps) tap.close();
    this.safeEmit('@close', 'worker-died');
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('media_closed', 'the meeting media is restarting, try again');
  }

  #peer(peerId: string): SfuPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new SfuError('not_joined', 'the venue has not joined this meeting media');
    return peer;
  }

  #transport(peerId: string, transportId: string): types.WebRtcTransport {
    const transport = this.#peer(peerId).transports.get(transportId);
    if (!transport) throw new SfuError('not_found', 'no such transport');
    return transport;
  }

  #producer(peerId: string, producerId: string): types.Producer {
    const producer = this.#peer(peerId).producers.get(producerId);
    if (!producer) throw new SfuError('not_found', 'no such producer');
    return producer;
  }
}

/**
 * mediasoup rejects malformed client parameters with TypeError, and codecs the router does not
 * have with UnsupportedError; report those as the client's fault.
 */
async function rejectingBadParameters<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TypeError || error instanceof types.UnsupportedError) {
      throw new SfuError('bad_parameters', error.message);
    }
    throw error;
  }
}
