import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashPassword } from '../auth/password.ts';
import type { DepartmentCategory, DutyPerson, DutyRoster } from '../protocol/dispatch.ts';
import { DEMO_PASSWORD } from '../seed/demoCounty.ts';
import { assertExec, type UserStore } from '../store/UserStore.ts';
import { dutyRosterSchema } from '../protocol/dispatch.ts';
import { dispatchKeys } from './keys.ts';
import { RosterBook, type DepartmentContacts, type VenueDirectory } from './RosterBook.ts';
import { localDay } from './time.ts';

const SEED_VERSION = '1';
const ROSTER_DAYS = 14;

/** The departments the centre usually dispatches, by their demo venue names. */
export const LINKAGE_DEPARTMENTS: Record<string, DepartmentCategory> = {
  县公安局: 'police',
  县消防救援大队: 'fire',
  县卫生健康局: 'health',
  县急救中心: 'ambulance',
  县交通运输局: 'transport',
  县水利局: 'water',
  县供电公司: 'power',
  县民政局: 'civil_affairs',
  县应急管理局: 'emergency',
  县自然资源局: 'natural_resources',
  县气象局: 'meteorology',
  县自来水公司: 'water_supply',
  县通信管理办公室: 'communications',
};

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['建国', '伟', '芳', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '志强', '海燕', '春梅', '国华', '文博', '晓东', '红梅'];

/** A fictional person for department `index` (1-based) in slot `slot` (0–9999). */
export function demoPerson(index: number, slot: number): DutyPerson {
  const name = `${SURNAMES[(index * 7 + slot * 3) % SURNAMES.length]}${GIVEN[(index * 11 + slot * 5) % GIVEN.length]}`;
  return { name, phone: `1390${String(index).padStart(3, '0')}${String(slot).padStart(4, '0')}` };
}

/** The demo roster of a linkage department for a day: three teams in rotation. */
export function demoRoster(index: number, departmentId: string, day: string): DutyRoster {
  const team = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000) % 3;
  return {
    day,
    departmentId,
    leader: demoPerson(index, 1001 + team),
    liaison: demoPerson(index, 2001 + team),
    updatedBy: 'seed',
    updatedAt: new Date().toISOString(),
  };
}

/**
 * Demo data of the dispatch domain: standing contacts (head, liaison) for every department,
 * a liaison account `l-<department id>` for each linkage department (password DEMO_PASSWORD),
 * and duty rosters for the linkage departments for the next two weeks. Accounts and contacts
 * are written once; rosters are topped up on every call without overwriting edits.
 */
export async function seedDispatchDemo(options: {
  redis: Redis;
  users: UserStore;
  venues: VenueDirectory;
  utcOffsetMinutes?: number;
}): Promise<{ seeded: boolean; rosters: number }> {
  const departments = (await options.venues.list()).filter((v) => v.kind === 'department');
  const index = (id: string) => Number(id.replace(/\D/g, '')) || 0;
  const linkage = departments.filter((d) => d.name in LINKAGE_DEPARTMENTS);
  let seeded = false;
  if ((await options.redis.get(dispatchKeys.seedVersion)) !== SEED_VERSION) {
    const book = new RosterBook({ redis: options.redis, venues: options.venues });
    const contacts = departments.map((d): [string, DepartmentContacts] => [
      d.id,
      { category: LINKAGE_DEPARTMENTS[d.name] ?? null, head: demoPerson(index(d.id), 1), liaison: demoPerson(index(d.id), 2) },
    ]);
    await book.putManyContacts(contacts);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const d of linkage) {
      await options.users.put({
        id: randomUUID(),
        username: `l-${d.id}`,
        displayName: `${d.name}联络员`,
        role: 'liaison',
        venueId: d.id,
        passwordHash,
      });
    }
    await options.redis.set(dispatchKeys.seedVersion, SEED_VERSION);
    seeded = true;
  }
  const today = localDay(Date.now(), options.utcOffsetMinutes ?? 480);
  const multi = options.redis.multi();
  let rosters = 0;
  for (let i = 0; i < ROSTER_DAYS; i++) {
    const day = new Date(Date.parse(`${today}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
    for (const d of linkage) {
      multi.hsetnx(dispatchKeys.roster(day), d.id, JSON.stringify(dutyRosterSchema.parse(demoRoster(index(d.id), d.id, day))));
      rosters++;
    }
  }
  assertExec(await multi.exec());
  return { seeded, rosters };
}
