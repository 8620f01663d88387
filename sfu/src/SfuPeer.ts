import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import type { Shard } from './RouterShards.ts';

export type SfuPeerEvents = {
  /** A consumer closed because its producer (another peer's) went away. */
  consumerClosed: [consumerId: string];
  '@close': [];
};

/**
 * Consumers a venue usually holds in a large meeting (its main picture, a few voices, two recently
 * shown pictures kept paused): reserved on its worker when it is placed.
 */
export const EXPECTED_CONSUMERS_PER_PEER = 5;

interface ConsumerControl {
  /** The client has its consumer and asked for media. */
  clientReady: boolean;
  /** The meeting's layout wants this stream delivered. */
  wanted: boolean;
}

/**
 * One participant's media in one room: its WebRTC transports, producers and consumers, on the
 * router (shard) it was placed on. A consumer runs only while the client is ready for it and the
 * layout wants it. Closing the peer closes its transports, which close its producers and consumers.
 */
export class SfuPeer extends EnhancedEventEmitter<SfuPeerEvents> {
  readonly id: string;
  readonly shard: Shard;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly #byProducer = new Map<string, string>();
  readonly #control = new Map<string, ConsumerControl>();
  rtpCapabilities: types.RtpCapabilities | undefined;
  readonly #logger: Logger;
  /** Part of its worker's reserved load not yet turned into consumers. */
  #reserved = EXPECTED_CONSUMERS_PER_PEER;
  #closed = false;

  constructor(options: { id: string; roomId: string; shard: Shard }) {
    super();
    this.id = options.id;
    this.shard = options.shard;
    this.shard.slot.reserved += this.#reserved;
    this.#logger = getLogger('SfuPeer', { roomId: options.roomId, peerId: options.id });
  }

  get closed(): boolean {
    return this.#closed;
  }

  addTransport(transport: types.WebRtcTransport): void {
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  addProducer(producer: types.Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer, wanted: boolean): void {
    this.consumers.set(consumer.id, consumer);
    this.#byProducer.set(consumer.producerId, consumer.id);
    this.#control.set(consumer.id, { clientReady: false, wanted });
    const slot = this.shard.slot;
    slot.consumers++;
    this.#release(1);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      this.#control.delete(consumer.id);
      if (this.#byProducer.get(consumer.producerId) === consumer.id) this.#byProducer.delete(consumer.producerId);
      slot.consumers--;
    });
    consumer.on('producerclose', () => this.safeEmit('consumerClosed', consumer.id));
  }

  consumerOf(producerId: string): types.Consumer | undefined {
    const id = this.#byProducer.get(producerId);
    return id ? this.consumers.get(id) : undefined;
  }

  /**
   * The simulcast layer the layout wants of producerId for this peer (0 for a stream without
   * layers), or null when the peer has no consumer of it the layout wants.
   */
  wantedLayer(producerId: string): number | null {
    const consumer = this.consumerOf(producerId);
    if (!consumer || !this.#control.get(consumer.id)?.wanted) return null;
    return consumer.preferredLayers?.spatialLayer ?? 0;
  }

  /** Updates why a consumer should run, then pauses or resumes it to match. */
  async controlConsumer(consumerId: string, change: Partial<ConsumerControl>): Promise<void> {
    const consumer = this.consumers.get(consumerId);
    const control = this.#control.get(consumerId);
    if (!consumer || !control) return;
    Object.assign(control, change);
    const run = control.clientReady && control.wanted;
    if (run && consumer.paused) await consumer.resume();
    else if (!run && !consumer.paused) await consumer.pause();
  }

  #release(n: number): void {
    const released = Math.min(n, this.#reserved);
    this.#reserved -= released;
    this.shard.slot.reserved -= released;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.debug('closing peer media');
    this.#release(this.#reserved);
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.safeEmit('@close');
  }
}
