import { describe, expect, it } from 'vitest';
import { OwnedTimers } from './OwnedTimers.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OwnedTimers', () => {
  it('runs a timeout once and cancels what is still pending on clear()', async () => {
    const timers = new OwnedTimers();
    const fired: string[] = [];
    timers.after(10, () => fired.push('soon'));
    timers.after(200, () => fired.push('late'));
    let ticks = 0;
    timers.every(15, () => ticks++);
    await wait(60);
    timers.clear();
    const ticksAtClear = ticks;
    await wait(250);
    expect(fired).toEqual(['soon']);
    expect(ticksAtClear).toBeGreaterThan(0);
    expect(ticks).toBe(ticksAtClear);
  });

  it('cancels one timer without touching the others', async () => {
    const timers = new OwnedTimers();
    const fired: number[] = [];
    const first = timers.after(10, () => fired.push(1));
    timers.after(10, () => fired.push(2));
    timers.cancel(first);
    await wait(40);
    expect(fired).toEqual([2]);
  });
});
