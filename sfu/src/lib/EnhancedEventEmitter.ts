import { EventEmitter } from 'node:events';
import { getLogger } from './logger.ts';

/** Event name → listener argument tuple. */
export type EventMap = Record<string, unknown[]>;

type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * A typed EventEmitter (mediasoup's EnhancedEventEmitter): `safeEmit` never lets a listener's
 * exception break the emitter's own state.
 */
export class EnhancedEventEmitter<E extends EventMap = EventMap> extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(Infinity);
  }

  override emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    return super.emit(event, ...args);
  }

  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    try {
      return super.emit(event, ...args);
    } catch (error) {
      getLogger('EnhancedEventEmitter').error({ err: error, event }, 'event listener threw');
      return Boolean(this.listenerCount(event));
    }
  }

  override on<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    return super.on(event, listener as Listener<unknown[]>);
  }

  override once<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    return super.once(event, listener as Listener<unknown[]>);
  }

  override off<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    return super.off(event, listener as Listener<unknown[]>);
  }
}
