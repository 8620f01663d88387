import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sfu } from '../../../sfu/src/index.ts';
import type { MeetingManager } from '../meetings/MeetingManager.ts';

/** Prometheus metrics, read from the live objects at scrape time. */
export function createMetrics(options: { sfu: Sfu; manager: MeetingManager; socketCount: () => number }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'yilian_' });
  const { sfu, manager } = options;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('yilian_workers', 'mediasoup workers running', () => sfu.stats().workers.length);
  gauge('yilian_meetings', 'meetings with venues present', () => manager.rooms.length);
  gauge('yilian_participants', 'venues present in meetings', () =>
    manager.rooms.reduce((n, r) => n + r.participants.length, 0),
  );
  gauge('yilian_transports', 'WebRTC transports', () => sfu.stats().transports);
  gauge('yilian_producers', 'producers', () => sfu.stats().producers);
  gauge('yilian_consumers', 'consumers', () => sfu.stats().consumers);
  gauge('yilian_sockets', 'connected signalling sockets', options.socketCount);
  new Gauge({
    name: 'yilian_worker_consumers',
    help: 'consumers per mediasoup worker',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of sfu.stats().workers) this.set({ worker: String(w.index) }, w.consumers);
    },
  });
  return registry;
}
