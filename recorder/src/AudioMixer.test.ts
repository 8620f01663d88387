import { describe, expect, it } from 'vitest';
import { AudioMixer } from './AudioMixer.ts';

const pcm = (samples: number, value: number) => {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE(value, i * 2);
  return b;
};
const samplesOf = (b: Buffer) => Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));

describe('AudioMixer', () => {
  it('adds the audible sources, clips instead of wrapping, and leaves muted ones out', () => {
    const mixer = new AudioMixer();
    mixer.setAudible(['a', 'b']);
    mixer.push('a', pcm(4800, 1000));
    mixer.push('b', pcm(4800, 2000));
    mixer.push('c', pcm(4800, 4000));
    expect(new Set(samplesOf(mixer.mix(1920)))).toEqual(new Set([3000]));
    mixer.push('a', pcm(4800, 30000));
    mixer.push('b', pcm(4800, 30000));
    mixer.mix(2880);
    expect(Math.max(...samplesOf(mixer.mix(1920)))).toBe(32767);
  });

  it('is silent, never waiting, while a source has not buffered 60 ms or has run dry', () => {
    const mixer = new AudioMixer();
    mixer.setAudible(['a']);
    mixer.push('a', pcm(960, 500));
    expect(samplesOf(mixer.mix(1920)).every((s) => s === 0)).toBe(true);
    mixer.push('a', pcm(2400, 500));
    const mixed = samplesOf(mixer.mix(4800));
    expect(mixed.slice(0, 3360).every((s) => s === 500)).toBe(true);
    expect(mixed.slice(3360).every((s) => s === 0)).toBe(true);
  });

  it('trims a source that runs ahead so that sound does not lag behind pictures', () => {
    const mixer = new AudioMixer();
    mixer.setAudible(['a']);
    mixer.push('a', pcm(48_000, 100));
    const mixed = samplesOf(mixer.mix(48_000));
    expect(mixed.filter((s) => s === 100).length).toBeLessThanOrEqual(4800);
  });
});
