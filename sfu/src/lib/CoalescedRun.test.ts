import { describe, expect, it } from 'vitest';
import { CoalescedRun } from './CoalescedRun.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CoalescedRun', () => {
  it('coalesces calls made during a run into one more run, and settles every caller after it', async () => {
    let runs = 0;
    let running = 0;
    let maxRunning = 0;
    const job = new CoalescedRun(async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(20);
      running--;
    });
    const first = job.run();
    await sleep(5);
    const calls = [job.run(), job.run(), job.run()];
    await Promise.all([first, ...calls]);
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    await job.run();
    expect(runs).toBe(3);
  });
});
