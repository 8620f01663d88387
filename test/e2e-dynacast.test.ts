import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

interface Uplink {
  source: string;
  layers: { layer: number; packetCount: number }[];
}

/**
 * Dynacast in real Chromium: what the SFU receives from each venue (its own RTP statistics, read
 * through the admin media view) follows what anybody receives. A camera on nobody's screen sends
 * only its lowest simulcast layer; a muted microphone sends nothing; both come back when needed.
 */
describe('venues send only what somebody receives (dynacast)', () => {
  let stack: Stack;
  let meetingId: string;
  let adminToken: string;
  const b: Record<string, VenueBrowser> = {};
  const users: Record<string, string> = { hall: 'chair', tw04: 'tw04', tw05: 'tw05' };
  const page = (v: string): Page => b[v]!.page;
  const click = (testId: string) => page('hall').getByTestId(testId).click();

  async function uplink(venueId: string): Promise<Map<string, number[]>> {
    const res = await api<{ venues: { venueId: string; uplink: Uplink[] }[] }>(stack.baseUrl, adminToken, 'GET', `/api/admin/meetings/${meetingId}/media`);
    const venue = res.body.venues.find((v) => v.venueId === venueId);
    return new Map((venue?.uplink ?? []).map((u) => [u.source, u.layers.map((l) => l.packetCount)]));
  }

  /** Packets the SFU received per layer of each of a venue's producers over `ms`. */
  async function received(venueId: string, ms = 2000): Promise<Map<string, number[]>> {
    const before = await uplink(venueId);
    await new Promise((r) => setTimeout(r, ms));
    const after = await uplink(venueId);
    return new Map([...after].map(([source, layers]) => [source, layers.map((n, i) => n - (before.get(source)?.[i] ?? 0))]));
  }

  /** Polls until `check` holds for what a venue's producers send (layers take a moment to stop). */
  async function expectUplink(venueId: string, check: (r: Map<string, number[]>) => boolean, what: string): Promise<Map<string, number[]>> {
    let last = new Map<string, number[]>();
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline) {
      last = await received(venueId, 1500);
      if (check(last)) return last;
    }
    throw new Error(`${venueId}: ${what}; last received ${JSON.stringify([...last])}; the browser sends ${JSON.stringify(await outbound(page(venueId)))}`);
  }

  /** The browser's own view of its video encodings (for the failure message). */
  function outbound(p: Page) {
    return p.evaluate(async () => {
      const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
      const out: Record<string, unknown>[] = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        for (const sender of pc.getSenders()) {
          if (sender.track?.kind !== 'video') continue;
          out.push({ encodings: sender.getParameters().encodings.map((e) => ({ rid: e.rid, active: e.active })) });
        }
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') out.push({ rid: s.rid, width: s.frameWidth, limited: s.qualityLimitationReason, bytes: s.bytesSent });
        });
      }
      return out;
    });
  }

  beforeAll(async () => {
    stack = await startStack();
    adminToken = (await login(stack.baseUrl, 'admin')).token;
    const { token } = await login(stack.baseUrl, 'chair');
    const created = await api<{ meeting: { id: string } }>(stack.baseUrl, token, 'POST', '/api/meetings', {
      title: '动态分层发送',
      invitedVenueIds: ['tw04', 'tw05'],
    });
    meetingId = created.body.meeting.id;
    for (const v of Object.keys(users)) {
      // Full-size fake camera (640×480): Chromium sends more than one simulcast layer.
      b[v] = await launchVenue(stack.baseUrl);
      await loginThroughUi(page(v), stack.baseUrl, users[v]!);
      await joinThroughUi(page(v), meetingId);
    }
    for (const v of ['tw04', 'tw05']) await waitForLiveMedia(page('hall'), v);
  }, 180_000);

  afterAll(async () => {
    for (const v of Object.values(b)) await v.close();
    await stack?.close();
  });

  it('a camera on nobody screen sends only its lowest layer; the broadcast camera sends its top layers', async () => {
    await click('chair-broadcast-tw04');
    // tw05's camera is on no screen now: the hall and tw05 show tw04, tw04 shows the hall.
    const idle = await expectUplink('tw05', (r) => {
      const [low = 0, ...higher] = r.get('camera') ?? [];
      return low > 0 && higher.every((n) => n === 0);
    }, 'only the lowest camera layer should arrive');
    expect(idle.get('camera')!.length).toBe(3);
    await expectUplink('tw04', (r) => {
      const [low = 0, ...higher] = r.get('camera') ?? [];
      return low > 0 && Math.max(...higher) > 0;
    }, 'the broadcast camera should send a higher layer too');

    // Shown again: its higher layers come back.
    await click('chair-broadcast-tw05');
    await expectUplink('tw05', (r) => Math.max(...(r.get('camera') ?? [0]).slice(1)) > 0, 'a higher camera layer should arrive again');
    await click('chair-stop-broadcast');
  });

  it('a microphone muted by the chair sends nothing, and sends again when unmuted', async () => {
    expect((await received('tw04')).get('microphone')?.[0]).toBeGreaterThan(0);
    await click('chair-mute-all');
    await expectUplink('tw04', (r) => r.get('microphone')?.[0] === 0, 'no microphone packets should arrive while muted');
    await expectUplink('tw05', (r) => r.get('microphone')?.[0] === 0, 'no microphone packets should arrive while muted');
    await click('chair-mute-tw04');
    await expectUplink('tw04', (r) => (r.get('microphone')?.[0] ?? 0) > 0, 'microphone packets should arrive once unmuted');
    await expect.poll(() => waitForLiveMedia(page('tw05'), 'tw04').then(() => true), { timeout: 15_000 }).toBe(true);
  });
});
