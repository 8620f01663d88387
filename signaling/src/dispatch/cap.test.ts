import { describe, expect, it } from 'vitest';
import type { Incident } from '../protocol/dispatch.ts';
import { CAP_NAMESPACE, capAlertXml, capIdentifier, capMsgType, capReference, escapeXml, unitCode } from './cap.ts';
import { capDateTime } from './time.ts';

const SENT = Date.parse('2026-01-22T06:30:05.123Z'); // 14:30:05 in Beijing

const incident: Incident = {
  id: 'i1', number: '20260122-001', type: 'flood', level: 'II', title: '滨河路河堤漫堤 <紧急> & "撤离"', locationText: '城关镇滨河路',
  coordinates: { lat: 29.5, lon: 106.55 }, reporterName: '', reporterContact: '', description: '河水漫过堤顶\u0007，低洼处积水约一米。',
  channel: 'console', state: 'dispatched', closedReason: null, closedFrom: null, departmentIds: [], meetingIds: [], lastCapReference: null,
  createdBy: 'dispatcher', createdAt: '2026-01-22T06:00:00.000Z', updatedAt: '2026-01-22T06:00:00.000Z',
};

describe('CAP 1.2 export', () => {
  it('builds GB/T 35965 identifiers: 14-digit unit code, Beijing time, sequence', () => {
    const id = capIdentifier(unitCode('990101', '000'), SENT, 480, 0);
    expect(id).toBe('99010100000000_20260122143005_0');
    expect(id).toHaveLength(31);
    expect(() => capIdentifier('99010100000000', SENT, 480, 10)).toThrow(RangeError);
  });

  it('writes CAP times with a numeric offset and no fractions', () => {
    expect(capDateTime(SENT, 480)).toBe('2026-01-22T14:30:05+08:00');
    expect(capDateTime(SENT, -300)).toBe('2026-01-22T01:30:05-05:00');
  });

  it('puts the required elements in the order of the CAP 1.2 schema, with the values mapped from the incident', () => {
    const xml = capAlertXml({
      incident, identifier: '99010100000000_20260122143005_0', sender: 'dispatch@yunxi.example.gov.cn', senderName: '云溪县应急指挥中心',
      areaCode: '990101', sent: SENT, utcOffsetMinutes: 480, references: null,
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">')).toBe(true);
    const order = ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope', 'incidents', 'info', 'language', 'category', 'event', 'urgency',
      'severity', 'certainty', 'eventCode', 'effective', 'senderName', 'headline', 'description', 'parameter', 'area', 'areaDesc', 'circle', 'geocode'];
    const positions = order.map((name) => xml.indexOf(`<${name}>`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(xml).toContain('<msgType>Alert</msgType>');
    expect(xml).toContain('<category>Met</category>');
    expect(xml).toContain('<severity>Severe</severity>');
    expect(xml).toContain('<urgency>Immediate</urgency>');
    expect(xml).toContain('<certainty>Observed</certainty>');
    expect(xml).toContain('<circle>29.5,106.55 0</circle>');
    expect(xml).toContain('<sent>2026-01-22T14:30:05+08:00</sent>');
    expect(xml).toContain('滨河路河堤漫堤 &lt;紧急&gt; &amp; &quot;撤离&quot;');
    expect(xml).not.toContain('\u0007');
    expect(CAP_NAMESPACE).toBe('urn:oasis:names:tc:emergency:cap:1.2');
  });

  it('makes later messages Updates that reference the previous one, and a Cancel once closed', () => {
    const ref = capReference('dispatch@yunxi.example.gov.cn', '99010100000000_20260122143005_0', SENT, 480);
    expect(ref).toBe('dispatch@yunxi.example.gov.cn,99010100000000_20260122143005_0,2026-01-22T14:30:05+08:00');
    expect(capMsgType(incident, null)).toBe('Alert');
    expect(capMsgType(incident, ref)).toBe('Update');
    expect(capMsgType({ ...incident, state: 'closed', closedReason: '险情解除' }, ref)).toBe('Cancel');
  });

  it('drops characters XML 1.0 cannot carry and escapes markup', () => {
    expect(escapeXml('a<b>&"\'\u0000\ud800z')).toBe('a&lt;b&gt;&amp;&quot;&apos;z');
    expect(escapeXml('正常文本🌧️')).toBe('正常文本🌧️');
  });
});
