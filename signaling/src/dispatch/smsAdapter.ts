import { getLogger } from '../../../sfu/src/index.ts';
import type { SmsService } from '../sms/SmsService.ts';
import type { DispatchService } from './DispatchService.ts';
import type { DispatchSms } from './sms.ts';

/** The SMS service as the dispatch domain's sender: one broadcast per message. */
export function dispatchSmsFrom(sms: Pick<SmsService, 'broadcast'>): DispatchSms {
  return {
    async send(request) {
      const broadcast = await sms.broadcast({ text: request.text, recipients: request.to, kind: request.kind, ref: request.ref });
      return { batchId: broadcast.id };
    },
  };
}

/**
 * Hands every inbound SMS (already recorded by the SMS service) to the dispatch centre.
 * Returns the disposer that removes the listener.
 */
export function forwardInboundSms(sms: Pick<SmsService, 'on' | 'off'>, dispatch: DispatchService): () => void {
  const logger = getLogger('DispatchService', { part: 'inbound-sms' });
  const listener = (message: { id: string; from: string; to: string; text: string; receivedAt: number }) => {
    dispatch.handleInboundSms(message).then(
      (outcome) => logger.info({ inboundId: message.id, outcome: outcome.kind }, 'inbound SMS handled'),
      (error: unknown) => logger.error({ err: error, inboundId: message.id }, 'inbound SMS could not be handled'),
    );
  };
  sms.on('inbound', listener);
  return () => sms.off('inbound', listener);
}
