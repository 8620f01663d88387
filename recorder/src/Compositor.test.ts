import { describe, expect, it } from 'vitest';
import { Compositor } from './Compositor.ts';

/** A solid yuv420p frame. */
const solid = (w: number, h: number, y: number, u = 128, v = 128) => {
  const f = Buffer.alloc((w * h * 3) / 2, y);
  f.fill(u, w * h, w * h + (w * h) / 4);
  f.fill(v, w * h + (w * h) / 4);
  return f;
};
const lumaAt = (c: Compositor, x: number, y: number) => c.snapshot()[y * c.width + x];
const chromaUAt = (c: Compositor, x: number, y: number) => c.snapshot()[c.width * c.height + (y >> 1) * (c.width / 2) + (x >> 1)];

describe('Compositor', () => {
  it('paints each producer into its pane and shows the empty colour where there is nothing to show', () => {
    const c = new Compositor(64, 36);
    c.setLayout({ kind: '2x2', panes: ['a', 'b', null, null] });
    c.putFrame('a', solid(32, 18, 200, 90), 32, 18);
    expect([lumaAt(c, 5, 5), chromaUAt(c, 5, 5)]).toEqual([200, 90]);
    expect(lumaAt(c, 40, 5)).toBe(40);
    expect(lumaAt(c, 40, 25)).toBe(40);
    expect(c.showing()).toEqual(['a', null, null, null]);
    c.putFrame('b', solid(32, 18, 120), 32, 18);
    expect(lumaAt(c, 40, 5)).toBe(120);
    expect(c.showing()).toEqual(['a', 'b', null, null]);
  });

  it('blanks a paused producer’s pane and shows its pictures again once it resumes', () => {
    const c = new Compositor(64, 36);
    c.setLayout({ kind: '1', panes: ['a'] });
    c.putFrame('a', solid(64, 36, 200), 64, 36);
    c.setPaused('a', true);
    expect(lumaAt(c, 30, 20)).toBe(40);
    c.putFrame('a', solid(64, 36, 180), 64, 36);
    expect(lumaAt(c, 30, 20)).toBe(40);
    c.setPaused('a', false);
    expect(lumaAt(c, 30, 20)).toBe(180);
  });

  it('centres a picture of another size in its pane, cropped or bordered in black, while decoders catch up', () => {
    const c = new Compositor(64, 36);
    c.setLayout({ kind: '2x2', panes: ['a'] });
    c.putFrame('a', solid(64, 36, 200), 64, 36);
    expect(lumaAt(c, 0, 0)).toBe(200);
    expect(lumaAt(c, 31, 17)).toBe(200);
    expect(lumaAt(c, 33, 0)).toBe(40);
    c.putFrame('a', solid(16, 10, 150), 16, 10);
    expect(lumaAt(c, 16, 9)).toBe(150);
    expect(lumaAt(c, 2, 2)).toBe(16);
  });
});
