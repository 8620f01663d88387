import { INCIDENT_LEVELS, INCIDENT_TYPES, type Incident } from '../protocol/dispatch.ts';
import { capDateTime, localStamp } from './time.ts';

/**
 * OASIS CAP 1.2 export of an incident as a warning. Identifiers follow GB/T 35965.1 (appendix A):
 * ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N — the issuing unit's code (area code GB/T 2260, organisation
 * code GB/T 4657, internal sub-code 000, extension 00), the Beijing-time entry time, and a sequence
 * number 0–9 for messages of the same unit in the same second.
 */

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export function unitCode(areaCode: string, orgCode: string): string {
  return `${areaCode}${orgCode}00000`;
}

export function capIdentifier(unit: string, at: number, utcOffsetMinutes: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 9) throw new RangeError('CAP sequence must be 0-9');
  return `${unit}_${localStamp(at, utcOffsetMinutes)}_${sequence}`;
}

export interface CapAlertInput {
  incident: Incident;
  identifier: string;
  sender: string;
  senderName: string;
  areaCode: string;
  /** When it is sent (ms). */
  sent: number;
  utcOffsetMinutes: number;
  /** The previous message for this incident (sender,identifier,sent), if any. */
  references: string | null;
}

/** The CAP message type: Alert first, Update after, Cancel once the incident is closed. */
export function capMsgType(incident: Incident, references: string | null): 'Alert' | 'Update' | 'Cancel' {
  if (!references) return 'Alert';
  return incident.state === 'closed' ? 'Cancel' : 'Update';
}

/** The `references` value that a later message uses to point at this one. */
export function capReference(sender: string, identifier: string, sent: number, utcOffsetMinutes: number): string {
  return `${sender},${identifier},${capDateTime(sent, utcOffsetMinutes)}`;
}

export function capAlertXml(input: CapAlertInput): string {
  const { incident } = input;
  const level = INCIDENT_LEVELS[incident.level];
  const type = INCIDENT_TYPES[incident.type];
  const sent = capDateTime(input.sent, input.utcOffsetMinutes);
  const msgType = capMsgType(incident, input.references);
  const urgency = incident.level === 'I' || incident.level === 'II' ? 'Immediate' : 'Expected';
  const certainty = incident.state === 'reported' ? 'Likely' : 'Observed';
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    el(1, 'identifier', input.identifier),
    el(1, 'sender', input.sender),
    el(1, 'sent', sent),
    el(1, 'status', 'Actual'),
    el(1, 'msgType', msgType),
    el(1, 'scope', 'Public'),
  ];
  if (msgType === 'Cancel') lines.push(el(1, 'note', `事件已关闭：${incident.closedReason ?? ''}`));
  if (input.references) lines.push(el(1, 'references', input.references));
  lines.push(el(1, 'incidents', incident.number));
  lines.push(
    '  <info>',
    el(2, 'language', 'zh-CN'),
    el(2, 'category', type.cap),
    el(2, 'event', type.zh),
    el(2, 'urgency', urgency),
    el(2, 'severity', level.cap),
    el(2, 'certainty', certainty),
    named(2, 'eventCode', 'YL-INCIDENT-TYPE', incident.type),
    el(2, 'effective', sent),
    el(2, 'senderName', input.senderName),
    el(2, 'headline', `${level.zh}（${incident.level}级）${type.zh}：${incident.title}`),
  );
  if (incident.description) lines.push(el(2, 'description', incident.description));
  lines.push(
    named(2, 'parameter', 'LEVEL', incident.level),
    named(2, 'parameter', 'LEVEL_NAME', level.zh),
    named(2, 'parameter', 'LEVEL_COLOUR', level.colour),
    named(2, 'parameter', 'STATE', incident.state),
    '    <area>',
    el(3, 'areaDesc', incident.locationText),
  );
  if (incident.coordinates) lines.push(el(3, 'circle', `${incident.coordinates.lat},${incident.coordinates.lon} 0`));
  lines.push(named(3, 'geocode', 'GB/T 2260', input.areaCode), '    </area>', '  </info>', '</alert>', '');
  return lines.join('\n');
}

function el(depth: number, name: string, value: string): string {
  return `${'  '.repeat(depth)}<${name}>${escapeXml(value)}</${name}>`;
}

function named(depth: number, name: string, valueName: string, value: string): string {
  const pad = '  '.repeat(depth);
  return `${pad}<${name}>\n${el(depth + 1, 'valueName', valueName)}\n${el(depth + 1, 'value', value)}\n${pad}</${name}>`;
}

/** XML 1.0 forbids most C0 control characters (even escaped) and lone surrogates. */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu;

export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
