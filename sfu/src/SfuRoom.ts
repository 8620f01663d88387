import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import { SfuPeer } from './SfuPeer.ts';
import type { WorkerPool } from './WorkerPool.ts';
import { SfuError } from './SfuError.ts';
import { rejectingBadParameters, type ConsumerOptions, type ProducerInfo, type TransportOptions } from './sfuTypes.ts';
import { PlainTap } from './PlainTap.ts';
import { RoomProgramme } from './RoomProgramme.ts';
import { RouterShards, type Shard } from './RouterShards.ts';
import { collectPeerStats, collectUplink, peerCounts, totalCounts, type PeerCounts, type PeerNetworkStats, type ProducerUplink } from './peerStats.ts';

export type RoomCloseReason = 'closed' | 'worker-died';

export type SfuRoomEvents = {
  consumerClosed: [peerId: string, consumerId: string];
  /** The dominant speaker changed (mediasoup ActiveSpeakerObserver). */
  activeSpeaker: [peerId: string];
  '@close': [reason: RoomCloseReason];
};

/**
 * One meeting's media: its routers (one per worker it spans) and the peers' transports, producers
 * and consumers. Signalling talks to it with plain data (ids, parameters) so that it could live in
 * another process.
 */
export class SfuRoom extends EnhancedEventEmitter<SfuRoomEvents> {
  readonly id: string;
  readonly #shards: RouterShards;
  readonly #peers = new Map<string, SfuPeer>();
  readonly #producerShard = new Map<string, Shard>();
  readonly #taps = new Set<PlainTap>();
  readonly #programme: RoomProgramme;
  readonly #speakerObserver: types.ActiveSpeakerObserver;
  readonly #initialOutgoingBitrate: number;
  readonly #logger: Logger;
  #closed = false;

  static async create(options: {
    id: string;
    pool: WorkerPool;
    maxConsumersPerWorker: number;
    initialOutgoingBitrate: number;
  }): Promise<SfuRoom> {
    await options.pool.whenAnyLive();
    let room: SfuRoom | undefined;
    const shards = await RouterShards.create({
      roomId: options.id,
      pickSlot: () => options.pool.pick({ maxConsumers: options.maxConsumersPerWorker }),
      maxConsumers: options.maxConsumersPerWorker,
      onWorkerClosed: () => {
        if (room) room.#workerClosed();
      },
    });
    const observer = await shards.primary.router.createActiveSpeakerObserver({ interval: 300 });
    room = new SfuRoom({ id: options.id, shards, observer, initialOutgoingBitrate: options.initialOutgoingBitrate });
    return room;
  }

  private constructor(options: {
    id: string;
    shards: RouterShards;
    observer: types.ActiveSpeakerObserver;
    initialOutgoingBitrate: number;
  }) {
    super();
    this.id = options.id;
    this.#shards = options.shards;
    this.#speakerObserver = options.observer;
    this.#initialOutgoingBitrate = options.initialOutgoingBitrate;
    this.#programme = new RoomProgramme({
      roomId: this.id,
      router: this.#shards.primary.router,
      onCreated: (relay) => this.#producerShard.set(relay.producer.id, this.#shards.primary),
    });
    this.#logger = getLogger('SfuRoom', { roomId: this.id, worker: this.#shards.primary.slot.index });
    this.#speakerObserver.on('dominantspeaker', ({ producer }) => {
      const owner = [...this.#peers.values()].find((p) => p.producers.has(producer.id));
      if (owner) this.safeEmit('activeSpeaker', owner.id);
    });
    this.#logger.info('room media created');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workerIndex(): number {
    return this.#shards.primary.slot.index;
  }

  get workerPid(): number {
    return this.#shards.primary.slot.worker.pid;
  }

  /** Every worker this meeting spans, with the venues (peers) placed on each. */
  get placement(): { workerPid: number; peerIds: string[] }[] {
    return this.#shards.all.map((shard) => ({
      workerPid: shard.slot.worker.pid,
      peerIds: [...this.#peers.values()].filter((p) => p.shard === shard).map((p) => p.id),
    }));
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#shards.primary.router.rtpCapabilities;
  }

  async addPeer(peerId: string): Promise<void> {
    this.#assertOpen();
    if (this.#peers.has(peerId)) return;
    const shard = await this.#shards.shardForNewPeer();
    this.#assertOpen();
    if (this.#peers.has(peerId)) return;
    const peer = new SfuPeer({ id: peerId, roomId: this.id, shard });
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
    const transport = await peer.shard.router.createWebRtcTransport({
      webRtcServer: peer.shard.slot.webRtcServer,
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
    options: { transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters; source: string; paused?: boolean },
  ): Promise<ProducerInfo> {
    const peer = this.#peer(peerId);
    const transport = this.#transport(peerId, options.transportId);
    if (transport.appData.direction !== 'send') throw new SfuError('bad_transport', 'that transport does not send');
    const producer = await rejectingBadParameters(() =>
      transport.produce({
        kind: options.kind,
        rtpParameters: options.rtpParameters,
        paused: options.paused ?? false,
        appData: { source: options.source },
      }),
    );
    peer.addProducer(producer);
    this.#producerShard.set(producer.id, peer.shard);
    producer.observer.once('close', () => this.#producerShard.delete(producer.id));
    if (producer.kind === 'audio') {
      await this.#shards.ensureOn(producer.id, peer.shard, this.#shards.primary);
      await this.#speakerObserver.addProducer({ producerId: producer.id }).catch((err: unknown) => {
        this.#logger.warn({ err }, 'active speaker observer refused a producer');
      });
    }
    return { producerId: producer.id, peerId, kind: producer.kind, paused: producer.paused, source: options.source };
  }

  /**
   * Creates a paused consumer of producerId for peerId (piping the producer to the peer's worker
   * if needed), or returns null if peerId cannot receive it. `wanted` says whether the layout
   * wants it delivered once the client is ready.
   */
  async consume(peerId: string, producerId: string, options: { wanted?: boolean; spatialLayer?: number } = {}): Promise<ConsumerOptions | null> {
    const peer = this.#peer(peerId);
    if (!peer.rtpCapabilities) throw new SfuError('not_ready', 'the venue has not sent its RTP capabilities');
    const from = this.#producerShard.get(producerId);
    if (!from) throw new SfuError('not_found', 'no such producer');
    await this.#shards.ensureOn(producerId, from, peer.shard);
    if (!peer.shard.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) return null;
    const transport = [...peer.transports.values()].find((t) => t.appData.direction === 'recv');
    if (!transport) throw new SfuError('not_ready', 'the venue has no receiving transport');
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities: peer.rtpCapabilities,
      paused: true,
      preferredLayers: options.spatialLayer !== undefined ? { spatialLayer: options.spatialLayer } : undefined,
    });
    peer.addConsumer(consumer, options.wanted ?? true);
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, producerPaused: consumer.producerPaused };
  }

  /** The id of peerId's consumer of producerId, if it has one. */
  consumerOf(peerId: string, producerId: string): string | undefined {
    return this.#peers.get(peerId)?.consumerOf(producerId)?.id;
  }

  /** peerId's consumers, as [consumerId, producerId] pairs (a snapshot). */
  consumersOf(peerId: string): [consumerId: string, producerId: string][] {
    const peer = this.#peers.get(peerId);
    return peer ? [...peer.consumers.values()].map((c) => [c.id, c.producerId]) : [];
  }

  /** The client is ready for this consumer (it created its side). */
  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const peer = this.#peer(peerId);
    if (!peer.consumers.has(consumerId)) throw new SfuError('not_found', 'no such consumer');
    await peer.controlConsumer(consumerId, { clientReady: true });
  }

  /** Whether the layout wants this consumer delivered, and at which simulcast layer. */
  async setConsumerWanted(peerId: string, consumerId: string, wanted: boolean, spatialLayer?: number): Promise<void> {
    const peer = this.#peers.get(peerId);
    const consumer = peer?.consumers.get(consumerId);
    if (!peer || !consumer) return;
    if (spatialLayer !== undefined && consumer.type === 'simulcast' && consumer.preferredLayers?.spatialLayer !== spatialLayer) {
      await consumer.setPreferredLayers({ spatialLayer });
    }
    await peer.controlConsumer(consumerId, { wanted });
  }

  /** Closes a consumer the layout no longer needs (the client is told by the caller). */
  closeConsumer(peerId: string, consumerId: string): void {
    this.#peers.get(peerId)?.consumers.get(consumerId)?.close();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const producer = this.#producer(peerId, producerId);
    if (paused && !producer.paused) await producer.pause();
    else if (!paused && producer.paused) await producer.resume();
  }

  /**
   * How much of each producer anybody receives (for dynacast: the publisher stops encoding the
   * rest): the highest simulcast layer a wanted consumer or a tap asks for. A producer nobody
   * receives is absent. One pass over the room's consumers.
   */
  producerDemands(): Map<string, number> {
    const demands = new Map<string, number>();
    const raise = (producerId: string, layer: number) => {
      if (layer > (demands.get(producerId) ?? -1)) demands.set(producerId, layer);
    };
    for (const peer of this.#peers.values()) {
      for (const consumer of peer.consumers.values()) {
        const layer = peer.wantedLayer(consumer.producerId);
        if (layer !== null) raise(consumer.producerId, layer);
      }
    }
    for (const tap of this.#taps) raise(tap.producerId, tap.spatialLayer);
    // What the venues receive of the programme is asked of the camera it relays.
    const relay = this.#programme.relay;
    const programmeDemand = relay ? demands.get(relay.producer.id) : undefined;
    if (relay?.source && programmeDemand !== undefined) raise(relay.source, programmeDemand);
    return demands;
  }

  /** The programme producer's id if the relay was made (it is kept for the room's life). */
  get programmeIdNow(): string | undefined {
    return this.#programme.relay?.producer.id;
  }

  /** The id of the meeting's programme producer (the relay is made on first use). */
  async programmeProducerId(): Promise<string> {
    this.#assertOpen();
    return (await this.#programme.made()).producer.id;
  }

  /**
   * Switches the programme to a peer's camera (null: nothing). The camera is piped to the relay's
   * router; its own SSRCs (from mediasoup's stats) become the programme's contributing sources.
   */
  async setProgrammeSource(source: { peerId: string; producerId: string } | null): Promise<void> {
    if (!source) return this.#programme.setSource(null);
    const camera = this.#producer(source.peerId, source.producerId);
    await this.#programme.setSource(camera, () => this.#shards.ensureOn(camera.id, this.#producerShard.get(camera.id)!, this.#shards.primary));
  }

  /** Whether a producer is paused server-side (muted, camera off); unknown producers count as paused. */
  producerPaused(peerId: string, producerId: string): boolean {
    return this.#peers.get(peerId)?.producers.get(producerId)?.paused ?? true;
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
    const from = this.#producerShard.get(producerId);
    if (!from) throw new SfuError('not_found', 'no such producer');
    const primary = this.#shards.primary;
    await this.#shards.ensureOn(producerId, from, primary);
    const tap = await PlainTap.create({ router: primary.router, producerId, listenIp: '127.0.0.1', target, rtpCapabilities });
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

  /** Uplink and downlink quality of one peer, from mediasoup's own RTP statistics. */
  async peerStats(peerId: string): Promise<PeerNetworkStats | null> {
    const peer = this.#peers.get(peerId);
    return peer ? collectPeerStats(peer) : null;
  }

  /** What the SFU receives from one peer, per producer and simulcast layer. */
  async peerUplink(peerId: string): Promise<ProducerUplink[]> {
    const peer = this.#peers.get(peerId);
    return peer ? collectUplink(peer) : [];
  }

  /** Counts of live mediasoup objects, per peer, straight from the server's own maps. */
  peerCounts(peerId: string): PeerCounts {
    return peerCounts(this.#peers.get(peerId));
  }

  counts(): Omit<PeerCounts, 'activeConsumers'> {
    return totalCounts(this.#peers.values());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing room media');
    this.#closeChildren();
    this.safeEmit('@close', 'closed');
  }

  #workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.warn('room media lost: a worker it used died');
    this.#closeChildren();
    this.safeEmit('@close', 'worker-died');
  }

  #closeChildren(): void {
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    for (const tap of this.#taps) tap.close();
    this.#programme.close();
    this.#shards.close();
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
