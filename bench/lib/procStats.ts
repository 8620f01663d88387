// CPU and memory of processes from /proc (Linux): CPU time in clock ticks (USER_HZ, 100 on
// Linux), so a window's CPU % is Δticks / 100 / Δseconds × 100, where 100 % is one full core.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of a process in ticks (NaN once it is gone). */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3 ("state").
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** Direct children of a process (all its threads' children). */
export function childPids(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The whole machine's ticks (all cores) from /proc/stat: busy (user, nice, system, irq, softirq),
 * steal (time the hypervisor gave our virtual CPUs to someone else) and the total.
 */
function machineTicks(): { busy: number; steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

export interface CpuSnapshot {
  at: number;
  pids: Map<number, number>;
  machine: { busy: number; steal: number; total: number };
}

export function snapshot(pids: number[]): CpuSnapshot {
  return { at: Date.now(), pids: new Map(pids.map((pid) => [pid, cpuTicks(pid)])), machine: machineTicks() };
}

/** CPU % of one core per process between two snapshots, and the machine's busy % of all cores. */
export function cpuBetween(
  a: CpuSnapshot,
  b: CpuSnapshot,
): { perPid: Map<number, number>; machineBusyPct: number; stealPct: number; seconds: number } {
  const seconds = (b.at - a.at) / 1000;
  const perPid = new Map<number, number>();
  for (const [pid, ticks] of a.pids) {
    const after = b.pids.get(pid) ?? NaN;
    perPid.set(pid, round1(((after - ticks) / TICKS_PER_SECOND / seconds) * 100));
  }
  const total = b.machine.total - a.machine.total;
  const machineBusyPct = round1(((b.machine.busy - a.machine.busy) / total) * 100);
  const stealPct = round1(((b.machine.steal - a.machine.steal) / total) * 100);
  return { perPid, machineBusyPct, stealPct, seconds: round1(seconds) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * UDP datagrams the kernel dropped because a socket's receive buffer was full, summed per owning
 * process (from /proc/net/udp, which is per network namespace, and the processes' socket fds).
 */
export function udpDropsByPid(pids: number[]): Map<number, number> {
  const dropsByInode = new Map<string, number>();
  try {
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 13) dropsByInode.set(f[9]!, Number(f[12]));
    }
  } catch {
    return new Map();
  }
  const result = new Map<number, number>();
  for (const pid of pids) {
    let drops = 0;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) drops += dropsByInode.get(inode) ?? 0;
      }
    } catch {
      continue;
    }
    result.set(pid, drops);
  }
  return result;
}

/** The machine's busy share of all cores (steal excluded) over `ms` milliseconds, in %. */
export async function machineBusyPct(ms: number): Promise<number> {
  const a = snapshot([]);
  await new Promise((r) => setTimeout(r, ms));
  return cpuBetween(a, snapshot([])).machineBusyPct;
}
