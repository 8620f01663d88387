import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import type { WorkerSlot } from './WorkerPool.ts';

export type SfuPeerEvents = {
  /** A consumer closed because its producer (another peer's) went away. */
  consumerClosed: [consumerId: string];
  '@close': [];
};

/**
 * One participant's media in one room: its WebRTC transports, producers and consumers.
 * Closing the peer closes its transports, which close its producers and consumers.
 */
export class SfuPeer extends EnhancedEventEmitter<SfuPeerEvents> {
  readonly id: string;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  rtpCapabilities: types.RtpCapabilities | undefined;
  readonly #slot: WorkerSlot;
  readonly #logger: Logger;
  #closed = false;

  constructor(options: { id: string; roomId: string; slot: WorkerSlot }) {
    super();
    this.id = options.id;
    this.#slot = options.slot;
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

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    this.#slot.consumers++;
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      this.#slot.consumers--;
    });
    consumer.on('producerclose', () => {
      this.safeEmit('consumerClosed', consumer.id);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.debug('closing peer media');
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.safeEmit('@close');
  }
}
