import smpp, { type PDU, type Session } from 'smpp';
import { z } from 'zod';
import { EnhancedEventEmitter, getLogger, type Logger } from '../../../sfu/src/index.ts';
import type { CarrierLink, CarrierLinkEvents, OutgoingSms, SubmitHooks } from './CarrierLink.ts';
import { ConcatReassembler } from './ConcatReassembler.ts';
import { concatFromElements, toWellFormed } from './encoding.ts';
import { normalizeAddress } from './phone.ts';
import {
  ESM_CLASS_RECEIPT,
  ESM_CLASS_TYPE_MASK,
  SMPP_STATUS,
  deliverSmSchema,
  messageIdFormatSchema,
  messageText,
  normalizeMessageId,
  parseReceiptText,
  statFromState,
  statOutcome,
  type DeliverSm,
} from './smppPdu.ts';
import { SmppSubmitter, batchWrites, hexStatus } from './SmppSubmitter.ts';

const ms = z.number().int().positive();

export const smppLinkOptionsSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(1).max(65535),
  systemId: z.string().min(1).max(15),
  password: z.string().max(8),
  systemType: z.string().max(12).default(''),
  /** Our sender number or service code (e.g. 106900001234). */
  sourceAddr: z.string().max(20).default(''),
  sourceAddrTon: z.number().int().min(0).max(6).default(0),
  sourceAddrNpi: z.number().int().min(0).max(18).default(0),
  destAddrTon: z.number().int().min(0).max(6).default(0),
  destAddrNpi: z.number().int().min(0).max(18).default(1),
  /** submit_sm requests in flight at most. */
  window: z.number().int().min(1).max(1000).default(10),
  /** submit_sm per second at most; 0 is no limit. */
  maxPerSecond: z.number().min(0).default(0),
  pduTimeoutMs: ms.default(10_000),
  enquireLinkMs: ms.default(30_000),
  reconnectMinMs: ms.default(500),
  reconnectMaxMs: ms.default(30_000),
  throttleMinMs: ms.default(200),
  throttleMaxMs: ms.default(10_000),
  /** Retries of one part of a long message the SMSC answered "busy" (throttled, queue full). */
  maxPartRetries: z.number().int().min(0).default(10),
  submitIdFormat: messageIdFormatSchema.default('auto'),
  receiptIdFormat: messageIdFormatSchema.default('auto'),
  closeTimeoutMs: ms.default(2_000),
});
export type SmppLinkOptions = z.input<typeof smppLinkOptionsSchema>;
type SmppLinkConfig = z.output<typeof smppLinkOptionsSchema>;

type LinkState = 'connecting' | 'binding' | 'up' | 'down' | 'closed';

/**
 * An SMPP 3.4 client (ESME) bound as transceiver: a send window, an optional rate limit, backoff
 * and a halved window when the SMSC throttles (regrown as answers come back), per-PDU timeouts, enquire_link, reconnection with backoff, delivery
 * receipts and inbound messages (long ones reassembled) as request events.
 */
export class SmppCarrierLink extends EnhancedEventEmitter<CarrierLinkEvents> implements CarrierLink {
  readonly protocol = 'smpp';
  readonly #config: SmppLinkConfig;
  readonly #logger: Logger;
  readonly #submitter: SmppSubmitter;
  readonly #reassembler = new ConcatReassembler({ timeoutMs: 10 * 60_000 });
  readonly #tick: NodeJS.Timeout;
  #session: Session | null = null;
  #sessionClosed: Promise<void> = Promise.resolve();
  #state: LinkState = 'down';
  #closed = false;
  #closing: Promise<void> | null = null;
  #reconnectDelay: number;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #bindStartedAt = 0;
  #lastEnquireAt = 0;
  #enquireSentAt = 0;
  #firstBind: { resolve: () => void; reject: (error: Error) => void } | null = null;

  static async create(options: SmppLinkOptions): Promise<SmppCarrierLink> {
    const link = new SmppCarrierLink(smppLinkOptionsSchema.parse(options));
    try {
      await new Promise<void>((resolve, reject) => {
        link.#firstBind = { resolve, reject };
        link.#connect();
      });
    } catch (error) {
      await link.abort();
      throw error;
    }
    return link;
  }

  private constructor(config: SmppLinkConfig) {
    super();
    this.#config = config;
    this.#logger = getLogger('SmppCarrierLink', { smsc: `${config.host}:${config.port}`, systemId: config.systemId });
    this.#submitter = new SmppSubmitter(config, this.#logger);
    this.#reconnectDelay = config.reconnectMinMs;
    this.#tick = setInterval(() => this.#onTick(), 250);
  }

  get isUp(): boolean {
    return this.#state === 'up';
  }

  get closed(): boolean {
    return this.#closed;
  }

  get window(): number {
    return this.#config.window;
  }

  /** Messages waiting to be written and requests awaiting an answer. */
  get stats(): { waiting: number; inflight: number } {
    return { waiting: this.#submitter.waiting, inflight: this.#submitter.inflight };
  }

  submit(message: OutgoingSms, hooks?: SubmitHooks): Promise<string[]> {
    return this.#submitter.submit(message, hooks);
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeGracefully();
    return this.#closing;
  }

  abort(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#submitter.stopAccepting();
      this.#session?.destroy();
      this.#closing = this.#teardown();
    }
    return this.#closing;
  }

  async #closeGracefully(): Promise<void> {
    this.#closed = true;
    this.#logger.info('closing SMS link');
    this.#submitter.stopAccepting();
    await this.#submitter.waitDrained(this.#config.closeTimeoutMs);
    const session = this.#session;
    if (session && this.#state === 'up') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        if (!session.send(new smpp.PDU('unbind'), () => (clearTimeout(timer), resolve()))) resolve();
      });
      session.close();
    } else {
      session?.destroy();
    }
    await this.#teardown();
  }

  async #teardown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#sessionClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    this.#session?.destroy();
    clearInterval(this.#tick);
    clearTimeout(this.#reconnectTimer);
    this.#submitter.close();
    this.#reassembler.close();
    this.#state = 'closed';
    this.#firstBind?.reject(new Error('the SMS link was closed while connecting'));
    this.#firstBind = null;
  }

  // ---- connection ---------------------------------------------------------------------------

  #connect(): void {
    if (this.#closed) return;
    this.#state = 'connecting';
    const session = smpp.connect({ host: this.#config.host, port: this.#config.port });
    this.#session = session;
    session.socket.setNoDelay(true);
    this.#sessionClosed = new Promise((resolve) => session.on('close', () => resolve()));
    session.on('connect', () => this.#bind(session));
    session.on('error', (error: Error) => {
      this.#logger.warn({ err: error.message }, 'SMPP connection error');
      session.destroy();
    });
    session.on('close', () => this.#onClosed(session));
    session.on('pdu', (pdu: PDU) => this.#onPdu(session, pdu));
  }

  #bind(session: Session): void {
    if (this.#session !== session || this.#closed) return;
    this.#state = 'binding';
    this.#bindStartedAt = Date.now();
    const c = this.#config;
    const pdu = new smpp.PDU('bind_transceiver', {
      system_id: c.systemId,
      password: c.password,
      system_type: c.systemType,
      interface_version: 0x34,
    });
    session.send(pdu, (resp: PDU) => {
      if (this.#session !== session || this.#closed) return;
      if (resp.command_status === SMPP_STATUS.OK) return this.#onBound(session);
      const status = hexStatus(resp.command_status);
      this.#logger.error({ status }, 'SMPP bind refused');
      this.#firstBind?.reject(new Error(`the SMSC refused the bind for system_id "${c.systemId}" (status ${status}); check the SMS credentials`));
      this.#firstBind = null;
      this.#reconnectDelay = c.reconnectMaxMs;
      session.destroy();
    });
  }

  #onBound(session: Session): void {
    this.#state = 'up';
    this.#bindStartedAt = 0;
    this.#lastEnquireAt = Date.now();
    this.#reconnectDelay = this.#config.reconnectMinMs;
    this.#logger.info('bound to the SMSC');
    this.#firstBind?.resolve();
    this.#firstBind = null;
    this.safeEmit('up');
    this.#submitter.attach(session);
  }

  #onClosed(session: Session): void {
    if (this.#session !== session) return;
    this.#session = null;
    const wasUp = this.#state === 'up';
    this.#state = this.#closed ? 'closed' : 'down';
    this.#enquireSentAt = 0;
    this.#submitter.detach();
    if (wasUp) {
      if (this.#closed) this.#logger.info('disconnected from the SMSC');
      else this.#logger.warn('connection to the SMSC lost');
      this.safeEmit('down', this.#closed ? 'closed' : 'connection lost');
    }
    if (this.#closed) return;
    if (this.#firstBind) {
      this.#logger.warn('the SMSC is not reachable yet; retrying in the background');
      this.#firstBind.resolve();
      this.#firstBind = null;
    }
    const delay = Math.round(this.#reconnectDelay * (0.75 + Math.random() / 2));
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, this.#config.reconnectMaxMs);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #onTick(): void {
    const session = this.#session;
    if (!session) return;
    const now = Date.now();
    const timeout = this.#config.pduTimeoutMs;
    let problem: string | null = null;
    if (this.#state === 'binding' && now - this.#bindStartedAt > timeout) problem = 'no answer to bind_transceiver';
    else if (this.#state !== 'up') return;
    else if (this.#submitter.oldestInflightMs(now) > timeout) problem = 'no answer to submit_sm in time';
    else if (this.#enquireSentAt > 0 && now - this.#enquireSentAt > timeout) problem = 'no answer to enquire_link';
    if (problem) {
      this.#logger.warn({ timeoutMs: timeout }, `${problem}; reconnecting`);
      session.destroy();
      return;
    }
    if (this.#enquireSentAt === 0 && now - this.#lastEnquireAt >= this.#config.enquireLinkMs) {
      this.#lastEnquireAt = now;
      this.#enquireSentAt = now;
      session.send(new smpp.PDU('enquire_link'), () => {
        if (this.#session === session) this.#enquireSentAt = 0;
      });
    }
  }

  // ---- from the SMSC ------------------------------------------------------------------------

  #onPdu(session: Session, pdu: PDU): void {
    if (pdu.isResponse() || this.#session !== session) return;
    switch (pdu.command) {
      case 'deliver_sm':
        return this.#onDeliverSm(session, pdu);
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        this.#logger.warn('the SMSC unbound us; reconnecting');
        session.send(pdu.response());
        session.close();
        return;
      case 'unknown':
        session.send(pdu.response());
        return;
      default:
        this.#logger.debug({ command: pdu.command }, 'ignored an SMPP request');
    }
  }

  #onDeliverSm(session: Session, pdu: PDU): void {
    const answer = (status: number) => {
      if (this.#session !== session) return;
      batchWrites(session);
      session.send(pdu.response({ command_status: status }));
    };
    const parsed = deliverSmSchema.safeParse(pdu);
    if (!parsed.success) {
      this.#logger.warn({ issues: parsed.error.issues.length }, 'unreadable deliver_sm');
      return answer(0x65); // ESME_RX_P_APPN: do not send it again
    }
    const request = this.#readDeliverSm(parsed.data);
    if (!request) return answer(SMPP_STATUS.OK);
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not handled in time')), this.#config.pduTimeoutMs);
      const ok = () => (clearTimeout(timer), resolve());
      const fail = (error: Error) => (clearTimeout(timer), reject(error));
      if (this.listenerCount(request.event) === 0) fail(new Error(`no ${request.event} listener`));
      else if (request.event === 'receipt') this.safeEmit('receipt', request.receipt, ok, fail);
      else this.safeEmit('inbound', request.inbound, ok, fail);
    });
    done.then(
      () => {
        request.accepted?.();
        answer(SMPP_STATUS.OK);
      },
      (error: Error) => {
        this.#logger.warn({ err: error.message, event: request.event }, 'deliver_sm not recorded; the SMSC will resend it');
        answer(SMPP_STATUS.X_T_APPN);
      },
    );
  }

  #readDeliverSm(d: DeliverSm) {
    const { text, udh } = messageText(d);
    const type = d.esm_class & ESM_CLASS_TYPE_MASK;
    if (type === ESM_CLASS_RECEIPT || type === 0x20) {
      const receiptText = parseReceiptText(text);
      const idFormat = d.receipted_message_id ? this.#config.submitIdFormat : this.#config.receiptIdFormat;
      const rawId = d.receipted_message_id || receiptText?.id;
      const stat = receiptText?.stat ?? (d.message_state !== undefined ? statFromState(d.message_state) : undefined);
      if (!rawId || !stat) {
        this.#logger.warn({ text: text.slice(0, 120) }, 'delivery receipt without a message id or state; ignored');
        return null;
      }
      const receipt = {
        carrierId: normalizeMessageId(rawId, idFormat),
        from: normalizeAddress(d.source_addr),
        stat,
        err: receiptText?.err ?? '000',
        outcome: statOutcome(stat),
        clientRef: d.user_message_reference,
        doneDate: receiptText?.doneDate,
      };
      return { event: 'receipt' as const, receipt };
    }
    if (type !== 0) return null; // SME acknowledgements: nothing to do
    const from = normalizeAddress(d.source_addr);
    const whole = this.#reassembler.push(`${from}|${d.destination_addr}`, concatFromElements(udh), toWellFormed(text));
    if (whole === null) return null;
    const inbound = { from, to: d.destination_addr, text: whole.text, receivedAt: Date.now() };
    // Parts are forgotten only once the message is accepted: a resent last part completes it again.
    return { event: 'inbound' as const, inbound, accepted: whole.done };
  }
}
