import dgram from 'node:dgram';
import { RecorderError } from './errors.ts';

/**
 * Hands out UDP port pairs (RTP on an even port, RTCP on the next) from a configured range that
 * neither mediasoup (10000–59999 by default) nor the kernel's ephemeral range uses. A pair is
 * handed out only if both ports can be bound right now, and stays reserved until released.
 */
export class PortAllocator {
  readonly #ip: string;
  readonly #min: number;
  readonly #max: number;
  readonly #inUse = new Set<number>();
  #next: number;

  constructor(options: { ip: string; min: number; max: number }) {
    this.#ip = options.ip;
    this.#min = options.min + (options.min % 2);
    this.#max = options.max;
    this.#next = this.#min + 2 * Math.floor((Math.random() * (this.#max - this.#min)) / 2);
  }

  get inUse(): number {
    return this.#inUse.size;
  }

  /** Reserves a free pair and returns its (even) RTP port. */
  async allocate(): Promise<number> {
    const pairs = Math.floor((this.#max - this.#min + 1) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.#next;
      this.#next = this.#next + 2 > this.#max - 1 ? this.#min : this.#next + 2;
      if (this.#inUse.has(port)) continue;
      this.#inUse.add(port);
      if ((await canBind(this.#ip, port)) && (await canBind(this.#ip, port + 1))) return port;
      this.#inUse.delete(port);
    }
    throw new RecorderError('recording_failed', `no free UDP port pair in ${this.#min}–${this.#max}`);
  }

  release(port: number): void {
    this.#inUse.delete(port);
  }
}

async function canBind(ip: string, port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, ip, () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
