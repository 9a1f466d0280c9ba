// Steps of the applicant's journey, done through the real pages, for tests that need an
// application in a given state.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type supertest from 'supertest';
import { projectRoot } from '../../server/paths.js';
import { csrfTokenFrom, submitForm } from './forms.js';

type Agent = ReturnType<typeof supertest.agent>;

export const fixture = (name: string) => path.join(projectRoot, 'test', 'fixtures', name);
export const fixtureBytes = (name: string) => readFileSync(fixture(name));

export const LINCOLN = {
  name: 'Lincoln High School',
  district: 'Portland Public Schools',
  city: 'Portland',
  state: 'OR',
  level: 'high',
  website: 'https://lincoln.pps.example.org',
  enrollment: '1,540',
  frlPercent: '38.5',
  iepPercent: '12',
};

export const GOOD_ELIGIBILITY = {
  q_school_type: 'public',
  q_district_iep_percent: '13',
  q_zero_tolerance: 'no',
  q_restricts_access: 'no',
};

export async function addSchool(agent: Agent, profile: Record<string, string> = LINCOLN): Promise<number> {
  const res = await submitForm(agent, '/schools/new', '/schools', profile);
  expect(res.status, res.text).to.equal(303);
  const page = await agent.get('/my/applications');
  const match = /name="schoolId" value="(\d+)"/.exec(page.text);
  if (!match?.[1]) throw new Error('No "Start the application" form on /my/applications');
  return Number(match[1]);
}

export async function startApplication(agent: Agent, schoolId: number, cycleId: number): Promise<number> {
  const res = await submitForm(agent, '/my/applications', '/applications', {
    schoolId: String(schoolId),
    cycleId: String(cycleId),
  });
  expect(res.status, res.text).to.equal(303);
  const match = /^\/applications\/(\d+)$/.exec(res.headers.location ?? '');
  if (!match?.[1]) throw new Error(`Unexpected redirect ${res.headers.location}`);
  return Number(match[1]);
}

/** Posts a criterion's multipart form: the answer text and any files, with the page's token. */
export async function saveCriterion(
  agent: Agent,
  applicationId: number,
  criterionId: number,
  { answer, files = [] }: { answer?: string; files?: Array<{ name: string; bytes?: Buffer; as?: string }> },
) {
  const pagePath = `/applications/${applicationId}/criteria/${criterionId}`;
  const page = await agent.get(pagePath);
  const token = csrfTokenFrom(page.text.replace(/\?_csrf=([^"]+)"/, ' name="_csrf" value="$1"'));
  let request = agent.post(`${pagePath}?_csrf=${encodeURIComponent(token)}`);
  if (answer !== undefined) request = request.field('answer', answer);
  for (const file of files) {
    request = request.attach('files', file.bytes ?? fixtureBytes(file.name), file.as ?? file.name);
  }
  if (answer === undefined && files.length === 0) request = request.field('answer', '');
  return request;
}

export const words = (n: number, word = 'equity') => Array.from({ length: n }, () => word).join(' ');

export function criterionIds(html: string): number[] {
  return [...html.matchAll(/\/criteria\/(\d+)"/g)].map((m) => Number(m[1]));
}

/** Answers everything (the chosen eligibility answers, 4 optional criteria) and submits. */
export async function completeAndSubmit(
  agent: Agent,
  applicationId: number,
  criteriaOfCycle: Array<{ id: number; required: boolean }>,
  eligibility: Record<string, string> = GOOD_ELIGIBILITY,
) {
  const base = `/applications/${applicationId}`;
  expect((await submitForm(agent, `${base}/eligibility`, `${base}/eligibility`, eligibility)).status).to.equal(303);
  const optional = criteriaOfCycle.filter((c) => !c.required).slice(0, 4);
  expect(
    (await submitForm(agent, `${base}/criteria`, `${base}/criteria`, { chosen: optional.map((c) => String(c.id)) }))
      .status,
  ).to.equal(303);
  for (const c of criteriaOfCycle.filter((c) => c.required).concat(optional)) {
    expect((await saveCriterion(agent, applicationId, c.id, { answer: words(40) })).status).to.equal(303);
  }
  const res = await submitForm(agent, `${base}/review`, `${base}/submit`, {});
  expect(res.status, res.text).to.equal(303);
}
