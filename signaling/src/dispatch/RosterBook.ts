import type { Redis } from 'ioredis';
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import type { Venue } from '../protocol/index.ts';
import {
  departmentCategorySchema,
  dutyPersonSchema,
  dutyRosterSchema,
  type Department,
  type DutyPerson,
  type DutyRoster,
  type DutySheetEntry,
} from '../protocol/dispatch.ts';
import { normalizeMobile } from '../sms/phone.ts';
import { parseStored } from '../store/json.ts';
import { assertExec } from '../store/UserStore.ts';
import { dispatchKeys as k } from './keys.ts';

/** Where department names come from: the venue list (VenueStore satisfies it). */
export interface VenueDirectory {
  list(): Promise<Venue[]>;
}

const contactsSchema = z.object({
  category: departmentCategorySchema.nullable(),
  head: dutyPersonSchema.nullable(),
  liaison: dutyPersonSchema.nullable(),
});
export type DepartmentContacts = z.infer<typeof contactsSchema>;

/** Who is reachable for a department on a day. */
export interface OnDuty {
  liaison: DutyPerson | null;
  leader: DutyPerson | null;
  head: DutyPerson | null;
  source: DutySheetEntry['source'];
}

/** A person with the phone number normalised, or a 400 naming the field. */
export function normalizePerson(person: DutyPerson, field: string): DutyPerson {
  const phone = normalizeMobile(person.phone);
  if (!phone) throw badRequest(`${field}: "${person.phone}" is not a mainland mobile number (11 digits, e.g. 13800138000)`);
  return { name: person.name, phone };
}

/**
 * The departments (the county's department venues) with their standing contacts, and the duty
 * roster per department per day. Whoever the roster names for today receives the day's tasks and
 * SMS; without a roster entry the standing liaison (and the head as leader) stands in.
 */
export class RosterBook {
  readonly #redis: Redis;
  readonly #venues: VenueDirectory;

  constructor(options: { redis: Redis; venues: VenueDirectory }) {
    this.#redis = options.redis;
    this.#venues = options.venues;
  }

  async departments(): Promise<Department[]> {
    const venues = (await this.#venues.list()).filter((v) => v.kind === 'department');
    const contacts = await this.#allContacts();
    return venues.map((v) => toDepartment(v, contacts.get(v.id) ?? null));
  }

  async department(id: string): Promise<Department | null> {
    return (await this.departments()).find((d) => d.id === id) ?? null;
  }

  /** The departments named, in order, or a 400 listing the unknown ones. */
  async requireDepartments(ids: string[]): Promise<Department[]> {
    const byId = new Map((await this.departments()).map((d) => [d.id, d]));
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw badRequest(`unknown department(s): ${unknown.slice(0, 5).join(', ')}`);
    return ids.map((id) => byId.get(id)!);
  }

  async contacts(id: string): Promise<DepartmentContacts | null> {
    return parseStored(contactsSchema, await this.#redis.hget(k.contacts, id), 'department contacts');
  }

  async putContacts(id: string, contacts: DepartmentContacts): Promise<void> {
    await this.#redis.hset(k.contacts, id, JSON.stringify(contactsSchema.parse(contacts)));
  }

  async roster(day: string, departmentId: string): Promise<DutyRoster | null> {
    return parseStored(dutyRosterSchema, await this.#redis.hget(k.roster(day), departmentId), 'duty roster');
  }

  async putRoster(roster: DutyRoster): Promise<void> {
    await this.#redis.hset(k.roster(roster.day), roster.departmentId, JSON.stringify(dutyRosterSchema.parse(roster)));
  }

  /** Many rosters in one go (seeding). */
  async putRosters(rosters: DutyRoster[]): Promise<void> {
    const multi = this.#redis.multi();
    for (const r of rosters) multi.hset(k.roster(r.day), r.departmentId, JSON.stringify(dutyRosterSchema.parse(r)));
    assertExec(await multi.exec());
  }

  async putManyContacts(entries: [string, DepartmentContacts][]): Promise<void> {
    if (entries.length === 0) return;
    await this.#redis.hset(k.contacts, Object.fromEntries(entries.map(([id, c]) => [id, JSON.stringify(contactsSchema.parse(c))])));
  }

  async onDuty(departmentId: string, day: string): Promise<OnDuty> {
    const [roster, contacts] = await Promise.all([this.roster(day, departmentId), this.contacts(departmentId)]);
    const head = contacts?.head ?? null;
    if (roster) return { liaison: roster.liaison, leader: roster.leader, head, source: 'roster' };
    if (contacts?.liaison || head) return { liaison: contacts?.liaison ?? null, leader: head, head, source: 'standing' };
    return { liaison: null, leader: null, head: null, source: 'none' };
  }

  /** The duty sheet of a day: every department with a roster or standing contacts, linkage departments first. */
  async dutySheet(day: string, options: { all?: boolean } = {}): Promise<DutySheetEntry[]> {
    const [departments, rosterRaw] = await Promise.all([this.departments(), this.#redis.hgetall(k.roster(day))]);
    const entries = departments.map((d): DutySheetEntry => {
      const roster = parseStored(dutyRosterSchema, rosterRaw[d.id] ?? null, 'duty roster');
      const base = { departmentId: d.id, departmentName: d.name, category: d.category };
      if (roster) return { ...base, leader: roster.leader, liaison: roster.liaison, source: 'roster' };
      if (d.liaison || d.head) return { ...base, leader: d.head, liaison: d.liaison, source: 'standing' };
      return { ...base, leader: null, liaison: null, source: 'none' };
    });
    const rank = (e: DutySheetEntry) => (e.category ? 0 : 1);
    return entries
      .filter((e) => options.all || e.source !== 'none')
      .sort((a, b) => rank(a) - rank(b));
  }

  async #allContacts(): Promise<Map<string, DepartmentContacts>> {
    const raw = await this.#redis.hgetall(k.contacts);
    return new Map(Object.entries(raw).map(([id, json]) => [id, parseStored(contactsSchema, json, 'department contacts')!]));
  }
}

function toDepartment(venue: Venue, contacts: DepartmentContacts | null): Department {
  return {
    id: venue.id,
    name: venue.name,
    category: contacts?.category ?? null,
    head: contacts?.head ?? null,
    liaison: contacts?.liaison ?? null,
  };
}

