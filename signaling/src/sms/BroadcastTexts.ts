import { encodeSms, type EncodedSms } from './encoding.ts';
import type { QueuedMessage, SmsOutbox } from './SmsOutbox.ts';

/** Broadcasts whose text (and encoding) are kept in memory; beyond this the cache starts again. */
const KEEP = 100;

/**
 * The texts of recent broadcasts, encoded for the carrier: a broadcast's text is read from the
 * outbox once, not once per recipient. One-part messages share one encoding; long ones are encoded
 * for each message, each with its own concatenation reference.
 */
export class BroadcastTexts {
  readonly #outbox: SmsOutbox;
  readonly #texts = new Map<string, string>();
  readonly #encoded = new Map<string, EncodedSms>();

  constructor(outbox: SmsOutbox) {
    this.#outbox = outbox;
  }

  /** A broadcast just queued: its text is known without reading it back. */
  remember(broadcastId: string, text: string): void {
    if (this.#texts.size >= KEEP) this.#texts.clear();
    this.#texts.set(broadcastId, text);
  }

  /** The message encoded, or null if its broadcast's record is missing. */
  async encode(m: QueuedMessage): Promise<EncodedSms | null> {
    const cached = this.#encoded.get(m.broadcastId);
    if (cached && cached.parts.length === 1) return cached;
    let text = this.#texts.get(m.broadcastId) ?? null;
    if (text === null) {
      text = await this.#outbox.getText(m.broadcastId);
      if (text === null) return null;
      this.remember(m.broadcastId, text);
    }
    const sms = encodeSms(text, m.clientRef & 0xff);
    if (this.#encoded.size >= KEEP) this.#encoded.clear();
    this.#encoded.set(m.broadcastId, sms);
    return sms;
  }
}
