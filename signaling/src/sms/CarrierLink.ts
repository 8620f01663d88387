import type { EnhancedEventEmitter } from '../../../sfu/src/index.ts';
import type { SmsPart } from './encoding.ts';
import type { ReceiptOutcome } from './smppPdu.ts';

/**
 * The connection to a carrier's SMS centre. SMPP now (SmppCarrierLink); China Mobile's CMPP,
 * Unicom's SGIP or Telecom's SMGP later, behind the same contract.
 */

/** One message to one handset, already encoded and split. */
export interface OutgoingSms {
  /** Normalised recipient number (11 digits). */
  to: string;
  dataCoding: number;
  parts: SmsPart[];
  /** A client reference the carrier may echo in receipts (SMPP user_message_reference). */
  clientRef: number;
}

export interface SubmitHooks {
  /**
   * Called synchronously right before the first PDU of the message is written, once the link is
   * up and the whole message fits the window and the rate limit. The caller records its intent
   * here (e.g. issues a Redis write in the same tick), so "recorded as sending" and "written to
   * the carrier socket" happen together or not at all. Returning false vetoes the write: the
   * submit then rejects with kind `retry`.
   */
  onWrite?: () => boolean;
}

/**
 * Why a submit did not give carrier ids:
 * - `retry`: the carrier did not take the message (throttled, queue full, link closed before it
 *   was written); sending it again later cannot duplicate it.
 * - `rejected`: the carrier refused it for good (bad number, …) or took only some parts.
 * - `uncertain`: it was written but no answer came (timeout, connection lost): the carrier may
 *   or may not have it. Sending it again could duplicate it.
 */
export type CarrierErrorKind = 'retry' | 'rejected' | 'uncertain';

export class CarrierError extends Error {
  readonly kind: CarrierErrorKind;
  /** The carrier's status code, when it answered. */
  readonly carrierStatus: number | undefined;

  constructor(kind: CarrierErrorKind, message: string, carrierStatus?: number) {
    super(message);
    this.name = 'CarrierError';
    this.kind = kind;
    this.carrierStatus = carrierStatus;
  }
}

export interface DeliveryReceipt {
  /** Canonical carrier message id (see normalizeMessageId). */
  carrierId: string;
  /** The handset the original message went to, normalised. */
  from: string;
  stat: string;
  err: string;
  outcome: ReceiptOutcome;
  /** Echo of OutgoingSms.clientRef when the carrier supports it. */
  clientRef: number | undefined;
  doneDate: string | undefined;
}

export interface InboundSms {
  /** The sender, normalised. */
  from: string;
  /** Our number or service code it was sent to. */
  to: string;
  /** The whole text, long messages reassembled. */
  text: string;
  receivedAt: number;
}

export type CarrierLinkEvents = {
  up: [];
  down: [reason: string];
  /**
   * A delivery receipt. The carrier is answered after resolve() (accepted) or reject() (it will
   * resend later): record the receipt durably before resolving.
   */
  receipt: [receipt: DeliveryReceipt, resolve: () => void, reject: (error: Error) => void];
  /** A mobile-originated message; same resolve/reject contract as `receipt`. */
  inbound: [message: InboundSms, resolve: () => void, reject: (error: Error) => void];
};

export interface CarrierLink {
  /** `smpp`, later `cmpp`, `sgip`. */
  readonly protocol: string;
  readonly isUp: boolean;
  readonly closed: boolean;
  /** Requests the link keeps in flight at most. */
  readonly window: number;
  /**
   * Submits all parts; resolves with one canonical carrier id per part. Waits (without writing)
   * while the link is down, the window is full, or the rate limit or a throttling backoff holds.
   * Rejects with a CarrierError.
   */
  submit(message: OutgoingSms, hooks?: SubmitHooks): Promise<string[]>;
  /** Graceful: answers in flight are awaited briefly, then unbind; pending submits reject `retry`. */
  close(): Promise<void>;
  /** As a crash would: drops the connection at once. */
  abort(): Promise<void>;
  on: EnhancedEventEmitter<CarrierLinkEvents>['on'];
  off: EnhancedEventEmitter<CarrierLinkEvents>['off'];
  once: EnhancedEventEmitter<CarrierLinkEvents>['once'];
}
