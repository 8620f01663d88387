import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { configureLogging } from '../../../sfu/src/index.ts';
import { mediaCodecs } from '../../../sfu/src/mediaCodecs.ts';
import { PlainTap } from '../../../sfu/src/PlainTap.ts';
import { recorderConfigSchema, type RecorderConfig, type RecorderConfigInput } from '../config.ts';
import type { TapFactory } from '../types.ts';
import { yuvOf } from './probe.ts';

export const COLOURS = { red: '0xC02020', green: '0x20C020', blue: '0x2040D0', yellow: '0xD0C020' } as const;

/** Colours a test expects to find in panes: the venues', an empty pane's, black. */
export const PANE_COLOURS = {
  ...Object.fromEntries(Object.entries(COLOURS).map(([name, hex]) => [name, yuvOf(hex)])),
  empty: { y: 40, u: 128, v: 128 },
  black: { y: 16, u: 128, v: 128 },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => T | undefined | false | null | Promise<T | undefined | false | null>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export interface Media {
  worker: types.Worker;
  router: types.Router;
  createTap: TapFactory;
  /** Taps currently open. */
  openTaps: () => number;
  close(): Promise<void>;
}

/** A real mediasoup worker and router, and a tap factory on it (the SFU's PlainTap). */
export async function startMedia(): Promise<Media> {
  configureLogging({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs });
  const taps = new Set<PlainTap>();
  return {
    worker,
    router,
    createTap: async (producerId, target) => {
      const tap = await PlainTap.create({ router, producerId, listenIp: '127.0.0.1', target });
      taps.add(tap);
      tap.once('@close', () => taps.delete(tap));
      return tap;
    },
    openTaps: () => taps.size,
    async close() {
      const exited = new Promise<void>((resolve) => worker.observer.once('close', () => resolve()));
      worker.close();
      await exited;
    },
  };
}

/** A small programme (640×360) so that tests stay light on a 2-core machine. */
export async function testConfig(overrides: Partial<RecorderConfigInput> = {}): Promise<{ config: RecorderConfig; cleanUp: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-rec-'));
  const config = recorderConfigSchema.parse({ outputDir: dir, width: 640, height: 360, ...overrides });
  return { config, cleanUp: () => rm(dir, { recursive: true, force: true }) };
}
