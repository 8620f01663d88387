/** Local-time helpers at a fixed UTC offset (China has no daylight saving). */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(at: Date | number, utcOffsetMinutes: number): string {
  const shifted = new Date(toMs(at) + utcOffsetMinutes * 60_000);
  return shifted.toISOString().slice(0, 10);
}

/** The UTC instant (ms) at which a local day starts. */
export function localDayStart(day: string, utcOffsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00.000Z`) - utcOffsetMinutes * 60_000;
}

/** YYYYMMDDhhmmss in local time (GB/T 7408 basic format, as GB/T 35965 identifiers use). */
export function localStamp(at: Date | number, utcOffsetMinutes: number): string {
  const s = new Date(toMs(at) + utcOffsetMinutes * 60_000).toISOString();
  return s.slice(0, 19).replace(/[-T:]/g, '');
}

/** CAP dateTime: local time with a numeric offset, no fractions, never "Z" (CAP 1.2 §3.3.2). */
export function capDateTime(at: Date | number, utcOffsetMinutes: number): string {
  const local = new Date(toMs(at) + utcOffsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Days from `from` to `to` inclusive (YYYY-MM-DD), at most `max`. */
export function daysBetween(from: string, to: string, max = 366): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && days.length < max; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const toMs = (at: Date | number) => (typeof at === 'number' ? at : at.getTime());
