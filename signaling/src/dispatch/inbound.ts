import type { IncidentType } from '../protocol/dispatch.ts';

/**
 * Reading inbound SMS: is it an acknowledgement reply ("1", "1 1023", "确认"), and if it reports
 * something, what type of incident does it sound like. Pure functions.
 */

const ACK = /^(?:1|确认|收到)(?:[\s#,，:：]*(\d{4,6}))?[。.!！]?$/;

/** The task code of a reply (null when it names none), or undefined when it is not a reply. */
export function parseAckReply(text: string): { code: string | null } | undefined {
  const t = text.normalize('NFKC').trim();
  const match = ACK.exec(t);
  if (!match) return undefined;
  return { code: match[1] ?? null };
}

const KEYWORDS: [IncidentType, RegExp][] = [
  ['forest_fire', /山火|森林火|林火|烧山/],
  ['hazardous_chemicals', /泄漏|危化|化学品|毒气/],
  ['fire', /火灾|着火|起火|失火|冒烟|浓烟|燃烧/],
  ['traffic_accident', /车祸|追尾|相撞|撞车|翻车|侧翻|交通事故/],
  ['flood', /洪|涝|淹|积水|决堤|溃坝|漫堤|水位/],
  ['geological_hazard', /滑坡|泥石流|塌方|崩塌|塌陷|落石/],
  ['earthquake', /地震|震感/],
  ['power_outage', /停电|断电|供电/],
  ['water_outage', /停水|断水|爆管|水管破裂/],
  ['public_health', /疫情|中毒|传染|发热|食物中毒/],
  ['public_security', /打架|斗殴|抢劫|盗窃|聚集|持刀|伤人/],
  ['production_safety', /矿|爆炸|坍塌|工地|厂房/],
];

export function guessIncidentType(text: string): IncidentType {
  for (const [type, pattern] of KEYWORDS) if (pattern.test(text)) return type;
  return 'other';
}
