import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { SmsService } from './SmsService.ts';
import type { Broadcast } from './smsProtocol.ts';
import type { SmscSimulator, SmscSimulatorOptions } from './SmscSimulator.ts';
import type { SmppLinkOptions } from './SmppCarrierLink.ts';
import { connectLink, freePort, phoneNumbers, quietLogs, startRedis, startSimulator, waitFor, type TestRedis } from './testKit.ts';

const NOTICE = '县防汛抗旱指挥部通知：受强降雨影响，请各乡镇于今晚20时前完成低洼地带群众转移，并报告转移人数。';

let redis: TestRedis;
let prefixCount = 0;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  quietLogs();
  redis = await startRedis();
});
afterAll(async () => {
  await redis.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stack(options: { simulator?: SmscSimulatorOptions; link?: Partial<SmppLinkOptions>; receiptTimeoutMs?: number } = {}) {
  const simulator = await startSimulator({ receiptDelayMs: 20, ...options.simulator });
  cleanups.push(() => simulator.close());
  const prefix = `t${++prefixCount}:`;
  const start = async () => {
    const link = await connectLink(simulator, options.link);
    const service = await SmsService.create({ redisUrl: redis.url, prefix, link, receiptTimeoutMs: options.receiptTimeoutMs });
    cleanups.push(() => service.close());
    return service;
  };
  return { simulator, prefix, service: await start(), start };
}

async function waitDone(service: SmsService, id: string, timeoutMs = 20_000) {
  let last: Broadcast | undefined;
  const check = async () => {
    try {
      last = await service.getBroadcast(id);
    } catch {
      return false; // Redis may be restarting
    }
    return last.done;
  };
  await waitFor(check, timeoutMs, `broadcast ${id} to finish`).catch(async (error: Error) => {
    const stuck = (await service.getRecipients(id, 0, 5000)).filter((r) => r.status !== 'delivered').slice(0, 5);
    throw new Error(`${error.message}: ${JSON.stringify(last)} ${JSON.stringify(stuck)}`);
  });
  return service.getBroadcast(id);
}

function expectOneEach(simulator: SmscSimulator, numbers: string[]) {
  const wrong = numbers.filter((n) => simulator.countTo(n) !== 1).map((n) => `${n}×${simulator.countTo(n)}`);
  expect(wrong).toEqual([]);
}

describe('SmsService', () => {
  it('delivers a broadcast once to every recipient and marks each delivered from its receipt', async () => {
    const { simulator, service } = await stack();
    const numbers = phoneNumbers(50);
    const recipients = numbers.map((n, i) => (i % 3 === 0 ? `+86 ${n}` : i % 3 === 1 ? `86${n}` : n));
    const created = await service.broadcast({ text: NOTICE, recipients, kind: 'emergency_command', ref: 'incident-7' });
    expect(created).toMatchObject({ recipients: 50, encoding: 'ucs2', parts: 1, done: false });

    const done = await waitDone(service, created.id);
    expect(done.counts).toMatchObject({ delivered: 50, queued: 0, sending: 0, sent: 0, failed: 0 });
    expectOneEach(simulator, numbers);
    expect(simulator.messagesTo(numbers[0]!)[0]?.text).toBe(NOTICE);
    const rows = await service.getRecipients(created.id);
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.status === 'delivered' && r.carrierIds.length === 1)).toBe(true);
  });

  it('sends a long Chinese message as concatenated parts that the SMSC reassembles intact', async () => {
    const { simulator, service } = await stack();
    const text = `${NOTICE}🌧️各村委会请注意：${NOTICE}${NOTICE}`;
    const created = await service.broadcast({ text, recipients: ['13900139000'], kind: 'situation_report' });
    expect(created.parts).toBe(3);
    const done = await waitDone(service, created.id);
    expect(done.counts.delivered).toBe(1);
    const [received] = simulator.messagesTo('13900139000');
    expect(received).toMatchObject({ text, parts: 3, dataCoding: 8 });
    expect(simulator.counts.brokenParts).toBe(0);
  });

  it('refuses bad input with clear errors and changes nothing', async () => {
    const { simulator, service } = await stack();
    const attempt = (input: unknown) => service.broadcast(input).then(() => null, (error: unknown) => error);
    const cases: Array<[unknown, RegExp]> = [
      [{ text: '   ', recipients: ['13800138000'], kind: 'other' }, /text is empty/],
      [{ text: '好'.repeat(1001), recipients: ['13800138000'], kind: 'other' }, /1001 characters; at most 1000/],
      [{ text: 'ok', recipients: [], kind: 'other' }, /recipient list is empty/],
      [{ text: 'ok', recipients: ['13800138000', '12345', '010-88886666'], kind: 'other' }, /2 recipients are not a mainland mobile number: #2 "12345", #3 "010-88886666"/],
    ];
    for (const [input, message] of cases) {
      const error = await attempt(input);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toMatch(message);
    }
    await expect(service.broadcast({ text: 'ok', recipients: ['13800138000'], kind: 'nonsense' })).rejects.toThrow(/kind/);
    expect(await service.listBroadcasts()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(simulator.counts.submitSm).toBe(0);
  });

  it('backs off when the SMSC throttles and still sends every message exactly once', async () => {
    const { simulator, service } = await stack({
      simulator: { throttlePerSecond: 100 },
      link: { throttleMinMs: 50, throttleMaxMs: 400 },
    });
    const numbers = phoneNumbers(200, 13700000000);
    const created = await service.broadcast({ text: 'Meeting at 15:00 in room 3', recipients: numbers, kind: 'meeting_notice' });
    const done = await waitDone(service, created.id, 30_000);
    expect(simulator.counts.throttled).toBeGreaterThan(0);
    expect(done.counts.delivered).toBe(200);
    expectOneEach(simulator, numbers);
  });

  it('marks refused and undeliverable numbers failed with the carrier reason', async () => {
    const { service } = await stack({ simulator: { refused: ['13500000001'], undeliverable: ['13500000002'] } });
    const created = await service.broadcast({ text: 'test', recipients: ['13500000000', '13500000001', '13500000002'], kind: 'other' });
    const done = await waitDone(service, created.id);
    expect(done.counts).toMatchObject({ delivered: 1, failed: 2 });
    const rows = await service.getRecipients(created.id);
    expect(rows[1]).toMatchObject({ status: 'failed', error: expect.stringMatching(/refused.*0x000b/) });
    expect(rows[2]).toMatchObject({ status: 'failed', error: expect.stringMatching(/UNDELIV/) });
  });

  it('records an inbound reply and surfaces it as an event', async () => {
    const { simulator, service, prefix } = await stack();
    const inbound = new Promise((resolve) => service.once('inbound', resolve));
    await simulator.injectInbound({ from: '+8613912345678', to: '106900001234', text: '1' });
    expect(await inbound).toMatchObject({ from: '13912345678', to: '106900001234', text: '1' });
    const check = new Redis(redis.url);
    expect(await check.xlen(`${prefix}in`)).toBe(1);
    check.disconnect();
  });

  it('survives a crash in the middle of a 2,000-recipient broadcast: one message each, all final', async () => {
    const { simulator, service, prefix, start } = await stack({ simulator: { responseDelayMs: 2 } });
    const numbers = phoneNumbers(2000, 13600000000);
    const created = await service.broadcast({ text: NOTICE, recipients: numbers, kind: 'emergency_command' });
    await waitFor(() => simulator.counts.messages >= 700, 20_000, '700 messages at the SMSC');
    await service.abort();

    const check = new Redis(redis.url);
    const counts = await check.hgetall(`${prefix}b:${created.id}:n`);
    check.disconnect();
    // Messages were in flight: their "sending" records become "unknown" and are matched to their receipts by handset.
    expect(Number(counts.sending)).toBeGreaterThan(0);
    expect(Number(counts.queued)).toBeGreaterThan(0);

    const restarted = await start();
    const done = await waitDone(restarted, created.id, 30_000);
    expect(done.counts.delivered).toBe(2000);
    expectOneEach(simulator, numbers);
    expect(simulator.counts.messages).toBe(2000);
  });

  it('after a graceful close in the middle of a broadcast, the next start finishes it without duplicates', async () => {
    const { simulator, service, start } = await stack({ simulator: { responseDelayMs: 5 } });
    const numbers = phoneNumbers(300, 13300000000);
    const created = await service.broadcast({ text: 'Drill: report to the township office', recipients: numbers, kind: 'emergency_command' });
    await waitFor(() => simulator.counts.messages >= 100, 10_000, '100 messages at the SMSC');
    await service.close();
    const restarted = await start();
    expect((await waitDone(restarted, created.id)).counts.delivered).toBe(300);
    expectOneEach(simulator, numbers);
  });

  it('expires messages whose receipt never comes', async () => {
    const { service } = await stack({ simulator: { receipts: false }, receiptTimeoutMs: 300 });
    const expired: string[] = [];
    service.on('status', (u) => u.status === 'expired' && expired.push(u.to));
    const created = await service.broadcast({ text: 'no receipts here', recipients: ['13200000000', '13200000001'], kind: 'other' });
    const done = await waitDone(service, created.id, 10_000);
    expect(done.counts).toMatchObject({ expired: 2, sent: 0 });
    const rows = await service.getRecipients(created.id);
    expect(rows[0]).toMatchObject({ status: 'expired', error: 'no final delivery receipt within 0.3 s' });
    expect(expired.sort()).toEqual(['13200000000', '13200000001']);
  });

  it('keeps going through a Redis restart in the middle of a broadcast', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-sms-redis-'));
    const port = await freePort();
    let ownRedis = await RedisServer.create({ port, dir });
    cleanups.push(async () => {
      await ownRedis.close();
      await rm(dir, { recursive: true, force: true });
    });
    const simulator = await startSimulator({ responseDelayMs: 5, receiptDelayMs: 20 });
    cleanups.push(() => simulator.close());
    const service = await SmsService.create({ redisUrl: ownRedis.url, link: await connectLink(simulator) });
    cleanups.push(() => service.close());
    const numbers = phoneNumbers(400, 13100000000);
    const created = await service.broadcast({ text: '演练：请各乡镇值班员回复1确认。', recipients: numbers, kind: 'emergency_command' });
    await waitFor(() => simulator.counts.messages >= 100, 10_000, '100 messages at the SMSC');
    await ownRedis.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    ownRedis = await RedisServer.create({ port, dir });
    expect((await waitDone(service, created.id, 40_000)).counts.delivered).toBe(400);
    expectOneEach(simulator, numbers);
  });
});
