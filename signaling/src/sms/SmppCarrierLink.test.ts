import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CarrierError, type DeliveryReceipt, type InboundSms } from './CarrierLink.ts';
import { encodeSms } from './encoding.ts';
import type { SmppCarrierLink } from './SmppCarrierLink.ts';
import type { SmscSimulator, SmscSimulatorOptions } from './SmscSimulator.ts';
import { connectLink, quietLogs, startSimulator, waitFor } from './testKit.ts';

const cleanups: Array<() => Promise<void>> = [];
beforeAll(() => quietLogs());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(simulator: SmscSimulatorOptions = {}, link: Parameters<typeof connectLink>[1] = {}) {
  const sim = await startSimulator({ receiptDelayMs: 10, ...simulator });
  cleanups.push(() => sim.close());
  const carrier = await connectLink(sim, link);
  cleanups.push(() => carrier.close());
  return { sim, link: carrier };
}

function message(to: string, text: string, clientRef = 1) {
  const sms = encodeSms(text, clientRef & 0xff);
  return { to, dataCoding: sms.dataCoding, parts: sms.parts, clientRef };
}

function collectReceipts(link: SmppCarrierLink): DeliveryReceipt[] {
  const receipts: DeliveryReceipt[] = [];
  link.on('receipt', (r, resolve) => {
    receipts.push(r);
    resolve();
  });
  return receipts;
}

async function settle(promises: Array<Promise<string[]>>) {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as CarrierError] : [])),
  };
}

describe('SmppCarrierLink with the SMSC simulator', () => {
  it('gets a long Chinese message with an emoji to the SMSC whole and intact', async () => {
    const { sim, link } = await setup();
    const text = `紧急通知：${'山洪预警，请立即撤离到安全地带。'.repeat(9)}🚨完`;
    const ids = await link.submit(message('13800138000', text));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(sim.messagesTo('13800138000')).toMatchObject([{ text, parts: 3, dataCoding: 8, from: '106900001234' }]);
    expect(sim.counts.brokenParts).toBe(0);
  });

  const idCases: Array<[string, SmscSimulatorOptions]> = [
    ['hex ids', { idFormat: 'hex' }],
    ['decimal ids', { idFormat: 'decimal' }],
    ['hex ids with decimal receipt text and no receipted_message_id', { idFormat: 'hex', receiptTextId: 'decimal', receiptTlv: false }],
  ];
  for (const [name, options] of idCases) {
    it(`matches receipts to submitted messages with ${name}`, async () => {
      const { link } = await setup(options);
      const receipts = collectReceipts(link);
      const ids = await link.submit(message('+86 13900139000', 'Hello', 4242));
      await waitFor(() => receipts.length === 1, 5000, 'the receipt');
      expect(receipts[0]).toMatchObject({ carrierId: ids[0], from: '13900139000', stat: 'DELIVRD', outcome: 'delivered', clientRef: 4242 });
    });
  }

  it('delivers inbound messages whole, and the SMSC resends one the receiver did not accept', async () => {
    const { sim, link } = await setup();
    const inbound: InboundSms[] = [];
    let refuseNext = true;
    link.on('inbound', (m, resolve, reject) => {
      if (refuseNext) {
        refuseNext = false;
        return reject(new Error('database busy'));
      }
      inbound.push(m);
      resolve();
    });
    const report = '东风村报告：村口桥梁被冲毁，有三户群众被困，请求派出救援队。'.repeat(3);
    await sim.injectInbound({ from: '8613711112222', to: '106900001234', text: report });
    await sim.injectInbound({ from: '13711112222', to: '106900001234', text: '1' });
    expect(inbound.map((m) => [m.from, m.text])).toEqual([
      ['13711112222', report],
      ['13711112222', '1'],
    ]);
  });

  it('refuses to start with a wrong password, saying so', async () => {
    const sim = await startSimulator();
    cleanups.push(() => sim.close());
    await expect(connectLink(sim, { password: 'wrong' })).rejects.toThrow(/refused the bind for system_id "yilian".*check the SMS credentials/);
  });

  it('reports throttled single messages as retry and backs off before sending more', async () => {
    const { sim, link } = await setup({ throttlePerSecond: 50 }, { throttleMinMs: 1000 });
    const first = await settle(Array.from({ length: 10 }, (_, i) => link.submit(message(`1350000${String(i).padStart(4, '0')}`, 'x'))));
    expect(first.ok).toBeGreaterThanOrEqual(5);
    expect(first.errors.length).toBeGreaterThan(0);
    expect(first.ok + first.errors.length).toBe(10);
    expect(first.errors.every((e) => e instanceof CarrierError && e.kind === 'retry' && e.carrierStatus === 0x58)).toBe(true);
    expect(sim.counts.throttled).toBe(first.errors.length);
    const started = Date.now();
    await link.submit(message('13500009999', 'after the backoff'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('retries the throttled parts of a long message until it is complete', async () => {
    const { sim, link } = await setup({ throttlePerSecond: 20 }, { throttleMinMs: 50, throttleMaxMs: 200 });
    const text = '请各单位负责人参加明天上午九点的视频调度会议。'.repeat(12);
    const ids = await Promise.all([1, 2, 3].map((ref) => link.submit(message(`1360000000${ref}`, text, ref))));
    expect(ids.map((i) => i.length)).toEqual([5, 5, 5]);
    expect(sim.counts.throttled).toBeGreaterThan(0);
    for (const ref of [1, 2, 3]) expect(sim.messagesTo(`1360000000${ref}`).map((m) => m.text)).toEqual([text]);
  });

  it('reconnects after the SMSC drops the connection; answers lost meanwhile are uncertain', async () => {
    const { sim, link } = await setup({ responseDelayMs: 300 }, { reconnectMinMs: 50 });
    const events: string[] = [];
    link.on('down', () => events.push('down'));
    link.on('up', () => events.push('up'));
    const pending = link.submit(message('13800000001', 'first')).catch((error: unknown) => error);
    await waitFor(() => sim.counts.submitSm === 1, 2000, 'the submit to arrive');
    sim.dropConnections();
    expect(await pending).toMatchObject({ kind: 'uncertain' });
    await waitFor(() => link.isUp, 5000, 'the link to come back');
    expect(await link.submit(message('13800000002', 'second'))).toHaveLength(1);
    expect(events).toEqual(['down', 'up']);
    expect(sim.counts.binds).toBe(2);
  });

  it('close() waits for answers in flight and fails messages not yet written as retry', async () => {
    const { sim, link } = await setup({ responseDelayMs: 200 }, { window: 1 });
    const written = link.submit(message('13800000011', 'one'));
    const waiting = link.submit(message('13800000012', 'two')).catch((error: unknown) => error);
    await waitFor(() => sim.counts.submitSm === 1, 2000, 'the first submit');
    await link.close();
    expect(await written).toHaveLength(1);
    expect(await waiting).toMatchObject({ kind: 'retry' });
    expect(link.closed).toBe(true);
    await expect(link.submit(message('13800000013', 'three'))).rejects.toMatchObject({ kind: 'retry' });
  });

  it('abort() drops the connection at once and reports answers in flight as uncertain', async () => {
    const { sim, link } = await setup({ responseDelayMs: 500 });
    const written = link.submit(message('13800000021', 'one')).catch((error: unknown) => error);
    await waitFor(() => sim.counts.submitSm === 1, 2000, 'the submit');
    await link.abort();
    expect(await written).toMatchObject({ kind: 'uncertain' });
    expect(sim.messagesTo('13800000021')).toHaveLength(1);
  });
});
