import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../signaling/src/protocol/dispatch.ts';
import { startDispatchHarness, type DispatchHarness } from '../signaling/src/dispatch/testKit.ts';

/**
 * The CAP 1.2 export, parsed by a real XML parser (Chromium's DOMParser): well-formed, in the CAP
 * namespace, each element where the CAP 1.2 schema's sequences put it, enumerated values from the
 * schema's lists, and a GB/T 35965 identifier.
 */

const CAP = 'urn:oasis:names:tc:emergency:cap:1.2';

/** The content models of CAP-v1.2.xsd's alert, info and area sequences, as patterns over child names. */
const SEQUENCES = {
  alert: /^identifier sender sent status msgType (source )?scope (restriction )?(addresses )?(code )*(note )?(references )?(incidents )?(info )*$/,
  info: /^(language )?(category )+event (responseType )*urgency severity certainty (audience )?(eventCode )*(effective )?(onset )?(expires )?(senderName )?(headline )?(description )?(instruction )?(web )?(contact )?(parameter )*(resource )*(area )*$/,
  area: /^areaDesc (polygon )*(circle )*(geocode )*(altitude )?(ceiling )?$/,
  namedValue: /^valueName value $/,
};

const ENUMS: Record<string, string[]> = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
};

interface ParsedNode {
  name: string;
  ns: string | null;
  text: string;
  children: ParsedNode[];
}

let h: DispatchHarness;
let browser: Browser;
let page: Page;
let token: string;

beforeAll(async () => {
  h = await startDispatchHarness();
  token = await h.login('dispatcher');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${h.baseUrl}/api/dispatch${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Parses in Chromium; returns the parser error text, or the element tree. */
async function parse(xml: string): Promise<{ error: string | null; root: ParsedNode | null }> {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'application/xml');
    const error = doc.getElementsByTagName('parsererror')[0];
    if (error) return { error: error.textContent ?? 'parser error', root: null };
    const walk = (el: Element): ParsedNode => ({
      name: el.localName,
      ns: el.namespaceURI,
      text: el.children.length === 0 ? (el.textContent ?? '') : '',
      children: [...el.children].map(walk),
    });
    return { error: null, root: walk(doc.documentElement) };
  }, xml);
}

function checkStructure(node: ParsedNode, problems: string[]): void {
  if (node.ns !== CAP) problems.push(`${node.name} is not in the CAP 1.2 namespace`);
  const names = node.children.map((c) => `${c.name} `).join('');
  const model = node.name === 'alert' || node.name === 'info' || node.name === 'area' ? SEQUENCES[node.name]
    : ['eventCode', 'parameter', 'geocode'].includes(node.name) ? SEQUENCES.namedValue : null;
  if (model && !model.test(names)) problems.push(`${node.name} children out of the schema's sequence: ${names}`);
  const allowed = ENUMS[node.name];
  if (allowed && !allowed.includes(node.text)) problems.push(`${node.name} has ${node.text}, not one of ${allowed.join('/')}`);
  for (const child of node.children) checkStructure(child, problems);
}

const child = (node: ParsedNode, name: string) => node.children.find((c) => c.name === name);

describe('CAP 1.2 export', () => {
  let incident: Incident;
  const identifiers: string[] = [];

  it('exports a well-formed CAP 1.2 alert whose elements follow the schema', async () => {
    const created = await api('POST', '/incidents', {
      type: 'geological_hazard', level: 'I', title: '青龙镇后山滑坡 <紧急> & 撤离', locationText: '青龙镇后山村', coordinates: { lat: 29.71, lon: 106.62 },
      description: '强降雨引发山体滑坡，约30户群众需紧急转移。',
    });
    incident = ((await created.json()) as { incident: Incident }).incident;
    const res = await api('POST', `/incidents/${incident.id}/cap?format=xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
    const xml = await res.text();
    const { error, root } = await parse(xml);
    expect(error).toBeNull();
    const problems: string[] = [];
    checkStructure(root!, problems);
    expect(problems).toEqual([]);

    const identifier = child(root!, 'identifier')!.text;
    identifiers.push(identifier);
    expect(identifier).toMatch(/^99010100000000_\d{14}_[0-9]$/);
    expect(res.headers.get('x-cap-identifier')).toBe(identifier);
    expect(child(root!, 'sent')!.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(child(root!, 'msgType')!.text).toBe('Alert');
    const info = child(root!, 'info')!;
    expect(child(info, 'severity')!.text).toBe('Extreme');
    expect(child(info, 'category')!.text).toBe('Geo');
    expect(child(info, 'headline')!.text).toContain('青龙镇后山滑坡 <紧急> & 撤离');
    expect(child(child(info, 'area')!, 'areaDesc')!.text).toBe('青龙镇后山村');
  });

  it('follows up with an Update referencing the alert, and a Cancel once the incident is closed', async () => {
    const update = await api('POST', `/incidents/${incident.id}/cap`);
    const second = (await update.json()) as { identifier: string; xml: string };
    const parsed = await parse(second.xml);
    expect(parsed.error).toBeNull();
    expect(child(parsed.root!, 'msgType')!.text).toBe('Update');
    expect(child(parsed.root!, 'references')!.text).toContain(`,${identifiers[0]},`);
    expect(second.identifier).not.toBe(identifiers[0]);

    expect((await api('POST', `/incidents/${incident.id}/actions`, { action: 'close', reason: '险情解除' })).status).toBe(200);
    const cancel = (await (await api('POST', `/incidents/${incident.id}/cap`)).json()) as { xml: string };
    const closed = await parse(cancel.xml);
    const problems: string[] = [];
    checkStructure(closed.root!, problems);
    expect(problems).toEqual([]);
    expect(child(closed.root!, 'msgType')!.text).toBe('Cancel');
    expect(child(closed.root!, 'references')!.text).toContain(`,${second.identifier},`);

    const detail = (await (await api('GET', `/incidents/${incident.id}`)).json()) as { timeline: { kind: string; data: { identifier?: string } }[] };
    expect(detail.timeline.filter((e) => e.kind === 'cap.exported')).toHaveLength(3);
  });
});
