import { describe, expect, it } from 'vitest';
import type { DutySheet } from '../protocol/dispatch.ts';
import { renderTemplate, smsLength } from '../protocol/smsBroadcast.ts';
import { resolveRecipients } from './broadcastRouter.ts';

const person = (phone: string) => ({ name: '值班员', phone });
const sheet: DutySheet = {
  day: '2026-11-22',
  entries: [
    { departmentId: 'd041', departmentName: '消防救援大队', category: 'fire', leader: person('13900000001'), liaison: person('13900000002'), source: 'roster' },
    { departmentId: 'd024', departmentName: '水利局', category: 'water', leader: person('13900000003'), liaison: person('13900000004'), source: 'roster' },
    { departmentId: 'd050', departmentName: '司法局', category: null, leader: person('13900000001'), liaison: person('13900000005'), source: 'standing' },
  ],
};
const deps = {
  dispatch: {
    departments: async () => ['d041', 'd024', 'd050', 'd060'].map((id) => ({ id, name: id })),
    dutySheet: async () => sheet,
  },
  listGroups: async () => [{ id: 'mixed', name: '混合', venueIds: ['tw01', 'd041', 'd024'], createdBy: 'admin' }],
};

describe('resolveRecipients', () => {
  it('gives each picked department its duty liaison, each group department its liaison, and removes duplicates', async () => {
    const numbers = await resolveRecipients({ departments: ['d041'], groups: ['mixed'], numbers: ['13900000002', '13911112222'] }, deps);
    expect(numbers).toEqual(['13900000002', '13900000004', '13911112222']);
  });

  it('gives the whole roster of leaders once each', async () => {
    expect(await resolveRecipients({ roster: 'leaders' }, deps)).toEqual(['13900000001', '13900000003']);
  });

  it('names an unknown department, a department with nobody on duty, and an unknown group', async () => {
    await expect(resolveRecipients({ departments: ['d041', 'd999'] }, deps)).rejects.toThrow(/unknown department\(s\): d999/);
    await expect(resolveRecipients({ departments: ['d060'] }, deps)).rejects.toThrow(/nobody is on duty today for department\(s\): d060/);
    await expect(resolveRecipients({ groups: ['gone'] }, deps)).rejects.toThrow(/unknown group\(s\): gone/);
  });

  it('refuses a pick that comes to nobody', async () => {
    await expect(resolveRecipients({ numbers: [] }, deps)).rejects.toThrow(/no recipients/);
  });
});

describe('templates and the length counter', () => {
  it('fills every placeholder of a template', () => {
    expect(renderTemplate({ id: 'meeting_notice', fields: { title: '防汛会', time: '15:00', place: '三楼' } })).toBe('【会议通知】定于15:00在三楼召开防汛会，请准时参加。');
  });

  it('counts Chinese as UCS-2, 70 in one message and 67 per part after that', () => {
    expect(smsLength('中'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, parts: 1, perPart: 70 });
    expect(smsLength('中'.repeat(71))).toEqual({ encoding: 'ucs2', units: 71, parts: 2, perPart: 67 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, parts: 2, perPart: 153 });
  });
});
