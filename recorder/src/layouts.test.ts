import { describe, expect, it } from 'vitest';
import { paneCount, paneRects } from './layouts.ts';
import { LAYOUT_KINDS } from './types.ts';

describe('layouts', () => {
  it('tiles the whole picture exactly with every layout, each pane on even pixels', () => {
    for (const kind of LAYOUT_KINDS) {
      for (const [w, h] of [[1280, 720], [1920, 1080], [640, 360]] as const) {
        const rects = paneRects(kind, w, h);
        expect(rects).toHaveLength(paneCount(kind));
        expect(rects.reduce((area, r) => area + r.w * r.h, 0)).toBe(w * h);
        for (const r of rects) {
          expect([r.x, r.y, r.w, r.h].every((v) => v % 2 === 0)).toBe(true);
          expect(r.x + r.w).toBeLessThanOrEqual(w);
          expect(r.y + r.h).toBeLessThanOrEqual(h);
        }
      }
    }
  });

  it('gives 1+5 one large pane (four ninths) and five small ones around it', () => {
    const [large, ...small] = paneRects('1+5', 1280, 720);
    expect(large).toEqual({ x: 0, y: 0, w: 854, h: 480 });
    expect(small.map((r) => [r.x, r.y])).toEqual([[854, 0], [854, 240], [0, 480], [426, 480], [854, 480]]);
    expect(paneRects('2x2', 1280, 720)[3]).toEqual({ x: 640, y: 360, w: 640, h: 360 });
    expect(paneRects('4x4', 1280, 720)[5]).toEqual({ x: 320, y: 180, w: 320, h: 180 });
  });
});
