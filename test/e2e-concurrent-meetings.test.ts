import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, login, request, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

/** Every remote venue a page shows or plays, and every track it receives. */
async function received(page: Page): Promise<{ venues: string[]; inboundTracks: number }> {
  return page.evaluate(async () => {
    const venues = [...document.querySelectorAll('[data-testid^="tile-"], [data-testid^="audio-"]')]
      .map((el) => el.getAttribute('data-testid')!.replace(/^(tile|audio)-/, ''))
      .filter((v) => v !== 'local');
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    let inboundTracks = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.codecId && Number(s.bytesReceived ?? 0) > 0) inboundTracks++;
      });
    }
    return { venues: [...new Set(venues)].sort(), inboundTracks };
  });
}

describe('two meetings at once', () => {
  let stack: Stack;
  const browsers: VenueBrowser[] = [];
  let fullId: string;
  let adhocId: string;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
  });

  it('a full-network meeting and an ad hoc meeting of two other venues neither see nor hear each other', async () => {
    const chair = await login(stack.baseUrl, 'chair');
    fullId = (await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', { title: '全县大会', kind: 'full' })).body.meeting.id;
    const tw05 = await login(stack.baseUrl, 'tw05');
    const adhoc = await api<{ meeting: { id: string; chairVenueId: string } }>(stack.baseUrl, tw05.token, 'POST', '/api/meetings', {
      title: '乡镇点对点会商',
      kind: 'adhoc',
      invitedVenueIds: ['tw06'],
    });
    expect(adhoc.status).toBe(201);
    expect(adhoc.body.meeting.chairVenueId).toBe('tw05');
    adhocId = adhoc.body.meeting.id;

    const [hall, tw01, p05, p06] = await Promise.all([0, 1, 2, 3].map(() => launchVenue(stack.baseUrl, { lowRes: true })));
    browsers.push(hall!, tw01!, p05!, p06!);
    await loginThroughUi(hall!.page, stack.baseUrl, 'chair');
    await loginThroughUi(tw01!.page, stack.baseUrl, 'tw01');
    await loginThroughUi(p05!.page, stack.baseUrl, 'tw05');
    await loginThroughUi(p06!.page, stack.baseUrl, 'tw06');
    await joinThroughUi(hall!.page, fullId);
    await joinThroughUi(tw01!.page, fullId);
    await joinThroughUi(p05!.page, adhocId);
    await joinThroughUi(p06!.page, adhocId);
    // Branch venues join a full-network meeting muted; the chair opens everyone's microphone.
    await hall!.page.getByTestId('chair-unmute-all').click();

    await waitForLiveMedia(hall!.page, 'tw01');
    await waitForLiveMedia(tw01!.page, 'hall');
    await waitForLiveMedia(p05!.page, 'tw06');
    await waitForLiveMedia(p06!.page, 'tw05');
    await new Promise((r) => setTimeout(r, 1000));

    expect(await received(hall!.page)).toEqual({ venues: ['tw01'], inboundTracks: 2 });
    expect(await received(tw01!.page)).toEqual({ venues: ['hall'], inboundTracks: 2 });
    expect(await received(p05!.page)).toEqual({ venues: ['tw06'], inboundTracks: 2 });
    expect(await received(p06!.page)).toEqual({ venues: ['tw05'], inboundTracks: 2 });

    const admin = await login(stack.baseUrl, 'admin');
    const venuesOf = async (id: string) =>
      (await api<{ venues: { venueId: string }[] }>(stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${id}/media`)).body.venues
        .map((v) => v.venueId)
        .sort();
    expect(await venuesOf(fullId)).toEqual(['hall', 'tw01']);
    expect(await venuesOf(adhocId)).toEqual(['tw05', 'tw06']);
  });

  it('tells a venue that is already in a meeting that it is busy', async () => {
    const tw06 = await login(stack.baseUrl, 'tw06');
    const socket = await connectSocket(stack.baseUrl, tw06.token);
    try {
      const ack = await request(socket, 'meeting.join', { meetingId: fullId });
      expect(ack).toMatchObject({ ok: false, error: { code: 'venue_busy' } });
    } finally {
      socket.close();
    }
  });
});
