/**
 * What the encoder reads for each frame: the programme picture (yuv420p, width × height) under a
 * band of STAMP_ROWS rows that carries the picture's number. A picture the clock repeats (while
 * the encoder catches up) has the same number as the one before, so ffmpeg's mpdecimate, set to
 * drop only exact duplicates, drops exactly the repeats and nothing the venues sent, even when
 * the programme does not move; crop then takes the band away before the encoder sees it.
 */
export const STAMP_ROWS = 16;

/** Band colour: black luma, neutral chroma. */
const BAND_Y = 16;
const BAND_UV = 128;
/**
 * mpdecimate compares 8×8 blocks from x = 8: the number goes in the first band row at x = 8..11,
 * inside the first block it compares.
 */
const STAMP_X = 8;

export function stampedFrameSize(width: number, height: number): number {
  return (width * (height + STAMP_ROWS) * 3) / 2;
}

/** The ffmpeg filters that drop repeated pictures and remove the band. */
export function unstampFilters(width: number, height: number, maxDropped: number): string {
  return `mpdecimate=hi=0:lo=0:frac=0:max=${maxDropped},crop=${width}:${height}:0:${STAMP_ROWS}`;
}

/** Writes the band with `number` and then `picture` (yuv420p, width × height) into `out`. */
export function writeStampedFrame(out: Buffer, picture: Buffer, width: number, height: number, number: number): Buffer {
  const w = width;
  const h = height;
  const H = height + STAMP_ROWS;
  const band = STAMP_ROWS;
  // Luma: band rows, then the picture's rows.
  out.fill(BAND_Y, 0, w * band);
  out.writeUInt32LE(number >>> 0, STAMP_X);
  picture.copy(out, w * band, 0, w * h);
  // Chroma planes: half the band's rows each, then the picture's.
  const cw = w / 2;
  const outU = w * H;
  const outV = outU + (cw * H) / 2;
  const inU = w * h;
  const inV = inU + (cw * h) / 2;
  out.fill(BAND_UV, outU, outU + (cw * band) / 2);
  picture.copy(out, outU + (cw * band) / 2, inU, inV);
  out.fill(BAND_UV, outV, outV + (cw * band) / 2);
  picture.copy(out, outV + (cw * band) / 2, inV, inV + (cw * h) / 2);
  return out;
}
