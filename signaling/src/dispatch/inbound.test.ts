import { describe, expect, it } from 'vitest';
import { guessIncidentType, parseAckReply } from './inbound.ts';

describe('reading inbound SMS', () => {
  it('recognises acknowledgement replies, with or without a task code, in half- or full-width digits', () => {
    expect(parseAckReply('1')).toEqual({ code: null });
    expect(parseAckReply(' 1 ')).toEqual({ code: null });
    expect(parseAckReply('１')).toEqual({ code: null });
    expect(parseAckReply('1 1023')).toEqual({ code: '1023' });
    expect(parseAckReply('1#1023')).toEqual({ code: '1023' });
    expect(parseAckReply('确认 1023')).toEqual({ code: '1023' });
    expect(parseAckReply('收到。')).toEqual({ code: null });
  });

  it('does not take a report for a reply', () => {
    expect(parseAckReply('11')).toBeUndefined();
    expect(parseAckReply('1号楼着火了')).toBeUndefined();
    expect(parseAckReply('城关镇东街有人落水')).toBeUndefined();
  });

  it('guesses the incident type from Chinese keywords', () => {
    expect(guessIncidentType('东街3号仓库起火，浓烟很大')).toBe('fire');
    expect(guessIncidentType('后山山火蔓延')).toBe('forest_fire');
    expect(guessIncidentType('G318线两车追尾')).toBe('traffic_accident');
    expect(guessIncidentType('河水漫堤，低洼处积水一米')).toBe('flood');
    expect(guessIncidentType('村后发生滑坡')).toBe('geological_hazard');
    expect(guessIncidentType('小区停电两小时')).toBe('power_outage');
    expect(guessIncidentType('请回电')).toBe('other');
  });
});
