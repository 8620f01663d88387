import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './KeyedQueue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedQueue', () => {
  it('runs tasks of the same key one after another, in the order they were pushed', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([
      queue.push('meeting-1', task('a', 30)),
      queue.push('meeting-1', task('b', 5)),
      queue.push('meeting-1', task('c', 1)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(maxRunning).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs tasks of different keys at the same time', async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let maxRunning = 0;
    const task = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(20);
      running--;
    };
    await Promise.all([queue.push('a', task), queue.push('b', task), queue.push('c', task)]);
    expect(maxRunning).toBe(3);
  });

  it('passes a failing task’s error to its caller and still runs the next task of that key', async () => {
    const queue = new KeyedQueue();
    const failing = queue.push('venue-tw01', async () => {
      throw new Error('join refused');
    });
    const next = queue.push('venue-tw01', async () => 'joined');
    await expect(failing).rejects.toThrow('join refused');
    await expect(next).resolves.toBe('joined');
  });

  it('forgets a key once its last task has finished, so idle keys do not pile up', async () => {
    const queue = new KeyedQueue();
    const pending = Promise.all([queue.push('x', () => sleep(10)), queue.push('y', () => sleep(10))]);
    expect(queue.size).toBe(2);
    await pending;
    expect(queue.size).toBe(0);
    await expect(queue.push('x', async () => 1)).resolves.toBe(1);
    await queue.push('z', async () => {
      throw new Error('boom');
    }).catch((e: unknown) => e);
    expect(queue.size).toBe(0);
  });
});
