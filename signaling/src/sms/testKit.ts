import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../../../test/helpers/ports.ts';
import os from 'node:os';
import path from 'node:path';
import { configureLogging } from '../../../sfu/src/index.ts';
import { RedisServer } from '../redis/RedisServer.ts';
import { SmppCarrierLink, type SmppLinkOptions } from './SmppCarrierLink.ts';
import { SmscSimulator, type SmscSimulatorOptions } from './SmscSimulator.ts';

/** Test and benchmark helpers: the real redis-server and SMSC simulator on loopback. */

export function quietLogs(): void {
  configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error' });
}

export { freePort };

export interface TestRedis {
  url: string;
  close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-sms-'));
  const server = await RedisServer.create({ port: await freePort(), dir });
  return {
    url: server.url,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function startSimulator(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  return SmscSimulator.create({ accounts: { yilian: 'secret' }, ...options });
}

export function connectLink(simulator: { port: number }, options: Partial<SmppLinkOptions> = {}): Promise<SmppCarrierLink> {
  return SmppCarrierLink.create({
    port: simulator.port,
    systemId: 'yilian',
    password: 'secret',
    sourceAddr: '106900001234',
    reconnectMinMs: 100,
    ...options,
  });
}

/** Polls until check() is true; throws with the last description after timeoutMs. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** n distinct mainland mobile numbers. */
export function phoneNumbers(n: number, base = 13800000000): string[] {
  return Array.from({ length: n }, (_, i) => String(base + i));
}
