import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ack, ConsumerInfo, Meeting, ResponseData } from '../signaling/src/protocol/index.ts';
import { api, connectSocket, login, request, startStack, type ClientSocket, type Stack } from './helpers/stack.ts';

/**
 * The real mediasoup objects alive in this process, counted from mediasoup's own observer: an
 * account of the media that does not rely on the server's bookkeeping.
 */
class MediasoupCensus {
  readonly routers = new Set<string>();
  readonly transports = new Set<string>();
  readonly producers = new Set<string>();
  readonly consumers = new Set<string>();

  constructor() {
    mediasoup.observer.on('newworker', (worker: types.Worker) => {
      worker.observer.on('newrouter', (router: types.Router) => {
        this.#track(this.routers, router.id, router.observer);
        router.observer.on('newtransport', (transport: types.Transport) => {
          this.#track(this.transports, transport.id, transport.observer);
          transport.observer.on('newproducer', (p: types.Producer) => this.#track(this.producers, p.id, p.observer));
          transport.observer.on('newconsumer', (c: types.Consumer) => this.#track(this.consumers, c.id, c.observer));
        });
      });
    });
  }

  counts(): { routers: number; transports: number; producers: number; consumers: number } {
    return {
      routers: this.routers.size,
      transports: this.transports.size,
      producers: this.producers.size,
      consumers: this.consumers.size,
    };
  }

  #track(set: Set<string>, id: string, observer: types.Router['observer'] | types.Transport['observer'] | types.Producer['observer'] | types.Consumer['observer']): void {
    set.add(id);
    (observer as unknown as NodeJS.EventEmitter).once('close', () => set.delete(id));
  }
}

/** Server-side reactions (a disconnect, a close cascade) are quick; allow for a loaded machine. */
const settle = { timeout: 5000, interval: 20 };

type MediaCounts = { venueId: string; transports: number; producers: number; consumers: number };
type MediaInventory = { running: boolean; workerPid: number | null; venues: MediaCounts[] };

const vp8 = (ssrc: number, cname: string): types.RtpParameters => ({
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 101,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname, reducedSize: true },
});

const opus = (ssrc: number, cname: string): types.RtpParameters => ({
  mid: '1',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname, reducedSize: true },
});

function ok<T>(ack: Ack<unknown>): T {
  expect(ack, JSON.stringify(ack).slice(0, 300)).toMatchObject({ ok: true });
  return (ack as { data: T }).data;
}

/** A browser-free venue: socket.io signalling plus server-side transports and producers. */
class Venue {
  readonly consumers: ConsumerInfo[] = [];
  readonly closedConsumers: string[] = [];
  readonly left: string[] = [];
  sendTransportId = '';
  replaced = false;

  private constructor(
    readonly venueId: string,
    readonly socket: ClientSocket,
  ) {
    socket.on('consumer.new', ({ consumer }) => this.consumers.push(consumer));
    socket.on('consumer.closed', ({ consumerId }) => this.closedConsumers.push(consumerId));
    socket.on('participant.left', ({ venueId }) => this.left.push(venueId));
    socket.on('session.replaced', () => {
      this.replaced = true;
    });
  }

  static async connect(stack: Stack, venueId: string): Promise<Venue> {
    const { token } = await login(stack.baseUrl, venueId);
    return new Venue(venueId, await connectSocket(stack.baseUrl, token));
  }

  async join(meetingId: string): Promise<ResponseData['meeting.join']> {
    return ok(await request(this.socket, 'meeting.join', { meetingId }));
  }

  /** Both transports and the RTP capabilities, as the console does after joining. */
  async setUpMedia(rtpCapabilities: types.RtpCapabilities): Promise<void> {
    const send = ok<ResponseData['transport.create']>(await request(this.socket, 'transport.create', { direction: 'send' }));
    ok(await request(this.socket, 'transport.create', { direction: 'recv' }));
    this.sendTransportId = send.id;
    ok(await request(this.socket, 'media.ready', { rtpCapabilities }));
  }

  async produce(kind: 'audio' | 'video', rtpParameters: types.RtpParameters): Promise<string> {
    const source = kind === 'video' ? 'camera' : 'microphone';
    const { producerId } = ok<{ producerId: string }>(
      await request(this.socket, 'producer.create', { transportId: this.sendTransportId, kind, rtpParameters, source }),
    );
    return producerId;
  }
}

describe('media lifecycle at the server', () => {
  const census = new MediasoupCensus();
  let stack: Stack;
  let adminToken: string;
  let seeded: Meeting;
  const venues: Venue[] = [];

  beforeAll(async () => {
    stack = await startStack();
    adminToken = (await login(stack.baseUrl, 'admin')).token;
    const chair = await login(stack.baseUrl, 'chair');
    const created = await api<{ meeting: Meeting }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
      title: '媒体生命周期测试',
      invitedVenueIds: ['tw05', 'tw06', 'tw07'],
    });
    seeded = created.body.meeting;
  });

  afterAll(async () => {
    for (const v of venues) v.socket.close();
    await stack?.close();
  });

  async function connect(venueId: string): Promise<Venue> {
    const venue = await Venue.connect(stack, venueId);
    venues.push(venue);
    return venue;
  }

  async function inventory(): Promise<MediaInventory> {
    const res = await api<MediaInventory>(stack.baseUrl, adminToken, 'GET', `/api/admin/meetings/${seeded.id}/media`);
    expect(res.status).toBe(200);
    const venueList = res.body.venues.map(({ venueId, transports, producers, consumers }) => ({ venueId, transports, producers, consumers }));
    return {
      running: res.body.running,
      workerPid: res.body.workerPid,
      venues: venueList.sort((a, b) => a.venueId.localeCompare(b.venueId)),
    };
  }

  async function metrics(): Promise<Record<string, number>> {
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const wanted = ['yilian_meetings', 'yilian_participants', 'yilian_transports', 'yilian_producers', 'yilian_consumers', 'yilian_sockets'];
    const values: Record<string, number> = {};
    for (const name of wanted) {
      const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
      expect(match, `${name} in /metrics`).not.toBeNull();
      values[name] = Number(match![1]);
    }
    return values;
  }

  it('shows each venue’s transports, producers and consumers, and removes all of a venue’s media when it disconnects', async () => {
    expect(await inventory()).toEqual({ running: false, workerPid: null, venues: [] });

    const tw05 = await connect('tw05');
    const tw06 = await connect('tw06');
    const joined = await tw05.join(seeded.id);
    expect(joined.participants).toEqual([]);
    const joined6 = await tw06.join(seeded.id);
    expect(joined6.participants.map((p) => p.venueId)).toEqual(['tw05']);

    await tw05.setUpMedia(joined.routerRtpCapabilities);
    await tw06.setUpMedia(joined6.routerRtpCapabilities);
    const tw05Video = await tw05.produce('video', vp8(11_111_111, 'tw05'));
    const tw05Audio = await tw05.produce('audio', opus(22_222_222, 'tw05'));
    const tw06Video = await tw06.produce('video', vp8(33_333_333, 'tw06'));

    // Each venue is offered the other's media.
    await vi.waitFor(() => {
      expect(tw06.consumers.map((c) => c.producerId).sort()).toEqual([tw05Video, tw05Audio].sort());
      expect(tw05.consumers.map((c) => c.producerId)).toEqual([tw06Video]);
    }, settle);
    expect(tw06.consumers.map((c) => [c.venueId, c.source]).sort()).toEqual([
      ['tw05', 'camera'],
      ['tw05', 'microphone'],
    ]);

    const running = await inventory();
    expect(running.running).toBe(true);
    expect(stack.server.sfu.workerPids).toContain(running.workerPid);
    expect(running.venues).toEqual([
      { venueId: 'tw05', transports: 2, producers: 2, consumers: 1 },
      { venueId: 'tw06', transports: 2, producers: 1, consumers: 2 },
    ]);
    expect(await metrics()).toEqual({
      yilian_meetings: 1,
      yilian_participants: 2,
      yilian_transports: 4,
      yilian_producers: 3,
      yilian_consumers: 3,
      yilian_sockets: 2,
    });
    expect(census.counts()).toEqual({ routers: 1, transports: 4, producers: 3, consumers: 3 });

    // tw05 loses its connection: everything it had, and everything made from it, goes.
    tw05.socket.disconnect();
    await vi.waitFor(async () => {
      expect((await inventory()).venues).toEqual([{ venueId: 'tw06', transports: 2, producers: 1, consumers: 0 }]);
    }, settle);
    await vi.waitFor(() => expect(tw06.left).toEqual(['tw05']), settle);
    await vi.waitFor(() => expect(tw06.closedConsumers.sort()).toEqual(tw06.consumers.map((c) => c.id).sort()), settle);
    expect(await metrics()).toEqual({
      yilian_meetings: 1,
      yilian_participants: 1,
      yilian_transports: 2,
      yilian_producers: 1,
      yilian_consumers: 0,
      yilian_sockets: 1,
    });
    await vi.waitFor(() => expect(census.counts()).toEqual({ routers: 1, transports: 2, producers: 1, consumers: 0 }), settle);

    // The last venue leaving closes the meeting's media altogether.
    ok(await request(tw06.socket, 'meeting.leave', {}));
    expect(await inventory()).toEqual({ running: false, workerPid: null, venues: [] });
    expect(await metrics()).toMatchObject({ yilian_meetings: 0, yilian_participants: 0, yilian_transports: 0, yilian_producers: 0, yilian_consumers: 0 });
    await vi.waitFor(() => expect(census.counts()).toEqual({ routers: 0, transports: 0, producers: 0, consumers: 0 }), settle);
    expect(stack.server.sfu.stats().workers.map((w) => [w.routers, w.consumers, w.reserved])).toEqual(
      stack.server.sfu.stats().workers.map(() => [0, 0, 0]),
    );
    tw06.socket.disconnect();
  });

  it('drops the media of a venue’s old connection when the venue joins again from a new one', async () => {
    const first = await connect('tw07');
    const { routerRtpCapabilities } = await first.join(seeded.id);
    await first.setUpMedia(routerRtpCapabilities);
    await first.produce('video', vp8(44_444_444, 'tw07'));
    expect((await inventory()).venues).toEqual([{ venueId: 'tw07', transports: 2, producers: 1, consumers: 0 }]);

    const second = await connect('tw07');
    await second.join(seeded.id);
    await vi.waitFor(() => expect(first.replaced).toBe(true), settle);
    expect((await inventory()).venues).toEqual([{ venueId: 'tw07', transports: 0, producers: 0, consumers: 0 }]);
    expect(await metrics()).toMatchObject({ yilian_participants: 1, yilian_transports: 0, yilian_producers: 0 });
    expect(census.counts()).toMatchObject({ transports: 0, producers: 0 });
    // The old connection is no longer in the meeting; the new one is.
    expect((await request(first.socket, 'transport.create', { direction: 'send' })).ok).toBe(false);
    ok(await request(second.socket, 'transport.create', { direction: 'send' }));
    expect((await inventory()).venues).toEqual([{ venueId: 'tw07', transports: 1, producers: 0, consumers: 0 }]);

    second.socket.disconnect();
    await vi.waitFor(async () => expect((await inventory()).running).toBe(false), settle);
    await vi.waitFor(() => expect(census.counts()).toEqual({ routers: 0, transports: 0, producers: 0, consumers: 0 }), settle);
  });
});
