import { copyInto } from './frames.ts';
import { paneRects, type Rect } from './layouts.ts';
import type { RecordingLayout } from './types.ts';

/** Colour of a pane with nothing to show (dark grey), and of letterbox bars (black). */
const EMPTY = { y: 40, u: 128, v: 128 };
const BARS = { y: 16, u: 128, v: 128 };

interface Picture {
  frame: Buffer;
  width: number;
  height: number;
}

/**
 * The programme picture (yuv420p): panes of the current layout, each painted with the latest
 * frame of its producer as frames arrive. A pane whose producer is paused, gone or not decoded
 * yet shows the empty colour. A frame whose size is not the pane's (while the decoders for a new
 * layout start) is centred, cropped or bordered, never scaled.
 */
export class Compositor {
  readonly width: number;
  readonly height: number;
  readonly #picture: Buffer;
  #layout: RecordingLayout = { kind: '1', panes: [] };
  #rects: Rect[] = [];
  readonly #latest = new Map<string, Picture>();
  readonly #paused = new Set<string>();

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.#picture = Buffer.alloc((width * height * 3) / 2);
    this.#fill({ x: 0, y: 0, w: width, h: height }, EMPTY);
  }

  get layout(): RecordingLayout {
    return this.#layout;
  }

  /** Pane sizes of a layout on this picture. */
  rects(layout: RecordingLayout): Rect[] {
    return paneRects(layout.kind, this.width, this.height).slice(0, Math.max(layout.panes.length, 1));
  }

  setLayout(layout: RecordingLayout): void {
    this.#layout = { kind: layout.kind, panes: [...layout.panes] };
    this.#rects = paneRects(layout.kind, this.width, this.height);
    this.#rects.forEach((_, i) => this.#paintPane(i));
  }

  setPaused(producerId: string, paused: boolean): void {
    if (paused === this.#paused.has(producerId)) return;
    if (paused) this.#paused.add(producerId);
    else this.#paused.delete(producerId);
    this.#repaint(producerId);
  }

  /** Forgets a producer's last picture (it left): its panes show the empty colour. */
  forget(producerId: string): void {
    if (this.#latest.delete(producerId)) this.#repaint(producerId);
  }

  /** Takes a copy of the picture (the caller may reuse its buffer). */
  putFrame(producerId: string, frame: Buffer, width: number, height: number): void {
    this.#latest.set(producerId, { frame: copyInto(this.#latest.get(producerId)?.frame, frame), width, height });
    if (!this.#paused.has(producerId)) this.#repaint(producerId);
  }

  /** Per pane, the producer whose picture it shows now, or null (empty, paused, not decoded yet). */
  showing(): (string | null)[] {
    return this.#rects.map((_, i) => {
      const id = this.#layout.panes[i] ?? null;
      return id && !this.#paused.has(id) && this.#latest.has(id) ? id : null;
    });
  }

  /** The current picture itself (yuv420p): read it, never keep or change it. */
  get picture(): Buffer {
    return this.#picture;
  }

  /** A copy of the current picture into `into` (or a new buffer). */
  snapshot(into?: Buffer): Buffer {
    const out = into ?? Buffer.allocUnsafe(this.#picture.length);
    this.#picture.copy(out);
    return out;
  }

  #repaint(producerId: string): void {
    this.#layout.panes.forEach((id, i) => {
      if (id === producerId) this.#paintPane(i);
    });
  }

  #paintPane(index: number): void {
    const rect = this.#rects[index];
    if (!rect) return;
    const producerId = this.#layout.panes[index];
    const picture = producerId && !this.#paused.has(producerId) ? this.#latest.get(producerId) : undefined;
    if (!picture) {
      this.#fill(rect, EMPTY);
      return;
    }
    if (picture.width !== rect.w || picture.height !== rect.h) this.#fill(rect, BARS);
    this.#blit(picture, rect);
  }

  /** Copies the centre of a picture into the centre of a rect, plane by plane. */
  #blit(p: Picture, rect: Rect): void {
    const W = this.width;
    const H = this.height;
    const w = Math.min(p.width, rect.w);
    const h = Math.min(p.height, rect.h);
    const sx = even((p.width - w) / 2);
    const sy = even((p.height - h) / 2);
    const dx = rect.x + even((rect.w - w) / 2);
    const dy = rect.y + even((rect.h - h) / 2);
    const srcY = 0;
    const srcU = p.width * p.height;
    const srcV = srcU + (p.width * p.height) / 4;
    const dstU = W * H;
    const dstV = dstU + (W * H) / 4;
    for (let row = 0; row < h; row++) {
      const s = srcY + (sy + row) * p.width + sx;
      p.frame.copy(this.#picture, (dy + row) * W + dx, s, s + w);
    }
    const cw = w / 2;
    for (let row = 0; row < h / 2; row++) {
      const sOff = (sy / 2 + row) * (p.width / 2) + sx / 2;
      const dOff = (dy / 2 + row) * (W / 2) + dx / 2;
      p.frame.copy(this.#picture, dstU + dOff, srcU + sOff, srcU + sOff + cw);
      p.frame.copy(this.#picture, dstV + dOff, srcV + sOff, srcV + sOff + cw);
    }
  }

  #fill(rect: Rect, colour: { y: number; u: number; v: number }): void {
    const W = this.width;
    const H = this.height;
    for (let row = 0; row < rect.h; row++) {
      const off = (rect.y + row) * W + rect.x;
      this.#picture.fill(colour.y, off, off + rect.w);
    }
    const dstU = W * H;
    const dstV = dstU + (W * H) / 4;
    for (let row = 0; row < rect.h / 2; row++) {
      const off = (rect.y / 2 + row) * (W / 2) + rect.x / 2;
      this.#picture.fill(colour.u, dstU + off, dstU + off + rect.w / 2);
      this.#picture.fill(colour.v, dstV + off, dstV + off + rect.w / 2);
    }
  }
}

const even = (v: number) => 2 * Math.floor(v / 2);
