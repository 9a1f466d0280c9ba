// School profiles. Anyone signed in may create a school (becoming its contact); joining an
// existing one is in contacts.ts.
import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import {
  schoolContacts,
  schools,
  SCHOOL_LEVELS,
  US_STATES,
  type School,
  type SchoolLevel,
} from '../../../models/schema.js';
import { schoolMatchKey } from './match-key.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { Forbidden, Invalid, NotFound, type FieldErrors } from '../../errors.js';
import { msg, type Message } from '../../i18n/translate.js';
import { recordAudit } from '../shared/audit.js';
import { singleLine } from '../shared/form-input.js';
import { linkNominationsToSchool } from '../nominations/links.js';
import type { ServiceContext } from '../../context.js';

export interface SchoolProfileInput {
  name: string;
  district: string;
  city: string;
  state: string;
  level: string;
  website: string;
  enrollment: string;
  frlPercent: string;
  iepPercent: string;
}

export const EMPTY_PROFILE: SchoolProfileInput = {
  name: '',
  district: '',
  city: '',
  state: '',
  level: '',
  website: '',
  enrollment: '',
  frlPercent: '',
  iepPercent: '',
};

export function profileInputFrom(body: Record<string, unknown> | undefined): SchoolProfileInput {
  const field = (name: keyof SchoolProfileInput) => {
    const value = body?.[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    name: field('name'),
    district: field('district'),
    city: field('city'),
    state: field('state'),
    level: field('level'),
    website: field('website'),
    enrollment: field('enrollment'),
    frlPercent: field('frlPercent'),
    iepPercent: field('iepPercent'),
  };
}

function percent(value: string, errors: FieldErrors, field: string, problem: Message): number | null {
  const text = value.trim().replace(/%$/, '').trim();
  if (text === '') return null;
  const n = Number(text);
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || n > 100) {
    errors[field] = problem;
    return null;
  }
  return n;
}

/**
 * The school's name, district, city and state, checked the one way (the profile form, the
 * nomination form): folded to one line, within length, a known state. Messages go in `errors`
 * under the form's own field names (the nomination form calls the name "schoolName").
 */
export function checkSchoolAddress(
  errors: FieldErrors,
  input: { name: string; district: string; city: string; state: string },
  { nameField = 'name' }: { nameField?: string } = {},
) {
  const name = singleLine(input.name);
  const city = singleLine(input.city);
  const district = singleLine(input.district);
  const state = input.state.trim().toUpperCase();
  if (name === '') errors[nameField] = msg('schools.errors.name');
  else if (name.length > 200) errors[nameField] = msg('forms.tooLong', { max: 200 });
  if (district.length > 200) errors.district = msg('forms.tooLong', { max: 200 });
  if (city === '') errors.city = msg('schools.errors.city');
  else if (city.length > 120) errors.city = msg('forms.tooLong', { max: 120 });
  if (!(US_STATES as readonly string[]).includes(state)) errors.state = msg('schools.errors.state');
  return { name, district, city, state, matchKey: schoolMatchKey(name, city, state) };
}

/** Checks a profile; `complete` also requires the facts eligibility depends on. */
export function validateSchoolProfile(input: SchoolProfileInput, { complete = false } = {}) {
  const errors: FieldErrors = {};
  const { name, district, city, state } = checkSchoolAddress(errors, input);
  const website = singleLine(input.website);
  if (!(SCHOOL_LEVELS as readonly string[]).includes(input.level)) errors.level = msg('schools.errors.level');
  if (website !== '') {
    let ok = website.length <= 300;
    try {
      const url = new URL(/^https?:\/\//i.test(website) ? website : `https://${website}`);
      ok &&= url.hostname.includes('.');
    } catch {
      ok = false;
    }
    if (!ok) errors.website = msg('schools.errors.website');
  }
  let enrollment: number | null = null;
  const enrollmentText = input.enrollment.trim().replace(/,/g, '');
  if (enrollmentText !== '') {
    if (!/^\d{1,6}$/.test(enrollmentText)) errors.enrollment = msg('schools.errors.enrollmentFormat');
    else enrollment = Number(enrollmentText);
  }
  const frlPercent = percent(input.frlPercent, errors, 'frlPercent', msg('schools.errors.frlFormat'));
  const iepPercent = percent(input.iepPercent, errors, 'iepPercent', msg('schools.errors.iepFormat'));
  if (complete) {
    if (enrollment === null && !errors.enrollment) errors.enrollment = msg('schools.errors.enrollment');
    if (frlPercent === null && !errors.frlPercent) errors.frlPercent = msg('schools.errors.frl');
    if (iepPercent === null && !errors.iepPercent) errors.iepPercent = msg('schools.errors.iep');
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return {
    name,
    district,
    city,
    state,
    level: input.level as SchoolLevel,
    website: website === '' || /^https?:\/\//i.test(website) ? website : `https://${website}`,
    enrollment,
    frlPercent,
    iepPercent,
    matchKey: schoolMatchKey(name, city, state),
  };
}

export function profileInputOf(school: School): SchoolProfileInput {
  const text = (value: number | null) => (value === null ? '' : String(value));
  return {
    name: school.name,
    district: school.district,
    city: school.city,
    state: school.state,
    level: school.level,
    website: school.website,
    enrollment: text(school.enrollment),
    frlPercent: text(school.frlPercent),
    iepPercent: text(school.iepPercent),
  };
}

export async function createSchool(
  db: Database,
  { userId, profile, clock }: { userId: number; profile: SchoolProfileInput; clock: Clock },
) {
  const values = validateSchoolProfile(profile);
  return db.transaction(async (tx) => {
    const [school] = await tx
      .insert(schools)
      .values({ ...values, createdBy: userId })
      .returning();
    if (!school) throw new Error('The school insert returned no row');
    await tx.insert(schoolContacts).values({ schoolId: school.id, userId, status: 'active', approvedAt: clock() });
    await linkNominationsToSchool(tx, school);
    return school;
  });
}

export async function isActiveContact(db: Database, { schoolId, userId }: { schoolId: number; userId: number }) {
  const [row] = await db
    .select({ status: schoolContacts.status })
    .from(schoolContacts)
    .where(and(eq(schoolContacts.schoolId, schoolId), eq(schoolContacts.userId, userId)));
  return row?.status === 'active';
}

export async function updateSchoolProfile(
  db: Database,
  {
    schoolId,
    userId,
    profile,
    clock,
    complete = false,
  }: { schoolId: number; userId: number; profile: SchoolProfileInput; clock: Clock; complete?: boolean },
) {
  if (!(await isActiveContact(db, { schoolId, userId }))) throw new Forbidden(msg('schools.errors.onlyContacts'));
  const values = validateSchoolProfile(profile, { complete });
  await db
    .update(schools)
    .set({ ...values, updatedAt: clock() })
    .where(eq(schools.id, schoolId));
}

/** What the public "is the school listed?" search shows of a school, and nothing more. */
const listedColumns = {
  id: schools.id,
  name: schools.name,
  district: schools.district,
  city: schools.city,
  state: schools.state,
};

/**
 * A school is listed (found by the searches, pickable by id on the nomination form) while
 * someone acts for it or it has applied: a profile whose contacts an admin removed (a made-up
 * school, a duplicate) drops out of every public list at once.
 */
const isListed = sql`(exists (select 1 from school_contacts c where c.school_id = ${schools.id} and c.status = 'active')
  or exists (select 1 from applications a where a.school_id = ${schools.id}))`;

/** A listed school by id, as the public search shows it (the nomination form's picked school). */
export async function findListedSchool(db: Database, id: number) {
  const [row] = await db
    .select(listedColumns)
    .from(schools)
    .where(and(eq(schools.id, id), isListed));
  return row;
}

export const SCHOOL_SEARCH_PAGE = 20;

/** Schools whose name contains the query, optionally in one state; for "find my school". */
export async function searchSchools(
  db: Database,
  { query, state, page = 1 }: { query: string; state?: string; page?: number },
) {
  const text = query.trim().slice(0, 100);
  if (text.length < 2) return { schools: [], hasMore: false };
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select(listedColumns)
    .from(schools)
    .where(and(ilike(schools.name, pattern), state ? eq(schools.state, state) : undefined, isListed))
    .orderBy(asc(schools.name), asc(schools.id))
    .limit(SCHOOL_SEARCH_PAGE + 1)
    .offset((Math.max(1, page) - 1) * SCHOOL_SEARCH_PAGE);
  return { schools: rows.slice(0, SCHOOL_SEARCH_PAGE), hasMore: rows.length > SCHOOL_SEARCH_PAGE };
}

export async function schoolsOfUser(db: Database, userId: number) {
  return db
    .select({
      id: schools.id,
      name: schools.name,
      city: schools.city,
      state: schools.state,
      status: schoolContacts.status,
    })
    .from(schoolContacts)
    .innerJoin(schools, eq(schools.id, schoolContacts.schoolId))
    .where(and(eq(schoolContacts.userId, userId), inArray(schoolContacts.status, ['active', 'pending'])))
    .orderBy(asc(schools.name));
}

export async function pendingContactCount(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schoolContacts)
    .where(eq(schoolContacts.status, 'pending'));
  return row?.n ?? 0;
}

export const ADMIN_SCHOOLS_PAGE = 50;

/** Schools for the admins' list, by name or city, with how many contacts each has and asks. */
export async function listSchoolsForAdmin(db: Database, { query, page }: { query: string; page: number }) {
  const text = singleLine(query).slice(0, 100);
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select({
      ...listedColumns,
      active: sql<number>`(select count(*)::int from school_contacts c where c.school_id = ${schools.id} and c.status = 'active')`,
      pending: sql<number>`(select count(*)::int from school_contacts c where c.school_id = ${schools.id} and c.status = 'pending')`,
    })
    .from(schools)
    .where(text === '' ? undefined : or(ilike(schools.name, pattern), ilike(schools.city, pattern)))
    .orderBy(asc(schools.name), asc(schools.id))
    .limit(ADMIN_SCHOOLS_PAGE + 1)
    .offset((Math.max(1, page) - 1) * ADMIN_SCHOOLS_PAGE);
  return { rows: rows.slice(0, ADMIN_SCHOOLS_PAGE), hasMore: rows.length > ADMIN_SCHOOLS_PAGE, query: text };
}

export async function schoolById(db: Database, id: number) {
  const [school] = await db.select().from(schools).where(eq(schools.id, id));
  if (!school) throw new NotFound(msg('schools.errors.notFound'));
  return school;
}

/**
 * An admin corrects a school's name or profile (a typo, a line break pasted into the name, a
 * closed school renamed). Logged with the fields that changed. Published honoree pages keep the
 * profile they were published with until the cycle is published again.
 */
export async function updateSchoolByAdmin(
  { db, clock }: Pick<ServiceContext, 'db' | 'clock'>,
  { schoolId, adminId, profile }: { schoolId: number; adminId: number; profile: SchoolProfileInput },
): Promise<void> {
  const values = validateSchoolProfile(profile);
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(schools).where(eq(schools.id, schoolId)).for('update');
    if (!before) throw new NotFound(msg('schools.errors.notFound'));
    const changed = (Object.keys(values) as Array<keyof typeof values>).filter(
      (key) => key !== 'matchKey' && values[key] !== before[key],
    );
    await tx
      .update(schools)
      .set({ ...values, updatedAt: clock() })
      .where(eq(schools.id, schoolId));
    await recordAudit(tx, clock, {
      actorId: adminId,
      action: 'school.edit',
      subjectType: 'school',
      subjectId: schoolId,
      summary: msg('audit.schools.edited', {
        school: values.name,
        changed: changed.length,
        fields: changed.join(', '),
      }),
      details: { before: Object.fromEntries(changed.map((key) => [key, before[key]])) },
    });
  });
}
