import { describe, expect, it } from 'vitest';
import { normalizeMessageId, parseReceiptText, statOutcome } from './smppPdu.ts';

describe('SMPP receipts and message ids', () => {
  it('parses the receipt text of SMPP 3.4 appendix B', () => {
    const text = 'id:0A1B2C3D sub:001 dlvrd:001 submit date:2611221049 done date:2611221050 stat:DELIVRD err:000 text:Meeting at 3';
    expect(parseReceiptText(text)).toEqual({
      id: '0A1B2C3D',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '2611221049',
      doneDate: '2611221050',
      text: 'Meeting at 3',
    });
    expect(parseReceiptText('ID:77 STAT:undeliv ERR:012')).toMatchObject({ id: '77', stat: 'UNDELIV', err: '012' });
    expect(parseReceiptText('hello')).toBeNull();
  });

  it('maps receipt states to outcomes', () => {
    expect(['DELIVRD', 'EXPIRED', 'UNDELIV', 'REJECTD', 'DELETED', 'ENROUTE', 'ACCEPTD'].map(statOutcome)).toEqual([
      'delivered',
      'expired',
      'failed',
      'failed',
      'failed',
      'pending',
      'pending',
    ]);
  });

  it('normalises hex and decimal ids to one form', () => {
    expect(normalizeMessageId('0a000000', 'hex')).toBe('167772160');
    expect(normalizeMessageId('167772160', 'decimal')).toBe('167772160');
    expect(normalizeMessageId('00167772160', 'auto')).toBe('167772160');
    expect(normalizeMessageId('A000000', 'auto')).toBe('167772160');
    expect(normalizeMessageId('10', 'hex')).toBe('16');
    expect(normalizeMessageId(' Msg-ABC ', 'auto')).toBe('msg-abc');
  });
});
