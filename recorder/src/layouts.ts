import type { LayoutKind } from './types.ts';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Cells of a grid that each pane covers: [col, row, colSpan, rowSpan] on an n×n grid. */
const CELLS: Record<LayoutKind, { grid: number; cells: [number, number, number, number][] }> = {
  '1': { grid: 1, cells: [[0, 0, 1, 1]] },
  '1+5': {
    grid: 3,
    cells: [
      [0, 0, 2, 2],
      [2, 0, 1, 1],
      [2, 1, 1, 1],
      [0, 2, 1, 1],
      [1, 2, 1, 1],
      [2, 2, 1, 1],
    ],
  },
  '2x2': { grid: 2, cells: grid(2) },
  '3x3': { grid: 3, cells: grid(3) },
  '4x4': { grid: 4, cells: grid(4) },
};

function grid(n: number): [number, number, number, number][] {
  const cells: [number, number, number, number][] = [];
  for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) cells.push([col, row, 1, 1]);
  return cells;
}

/** Nearest even number: every edge of a pane stays on the 4:2:0 chroma grid. */
const even = (v: number) => 2 * Math.round(v / 2);

export function paneCount(kind: LayoutKind): number {
  return CELLS[kind].cells.length;
}

/** The panes of a layout on a width×height picture; they tile it exactly, every edge even. */
export function paneRects(kind: LayoutKind, width: number, height: number): Rect[] {
  const { grid: n, cells } = CELLS[kind];
  const xAt = (i: number) => even((width * i) / n);
  const yAt = (i: number) => even((height * i) / n);
  return cells.map(([col, row, cs, rs]) => ({
    x: xAt(col),
    y: yAt(row),
    w: xAt(col + cs) - xAt(col),
    h: yAt(row + rs) - yAt(row),
  }));
}
