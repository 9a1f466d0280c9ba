// Deadline day: for a bounded run (60 s by default) 200 principals work on their applications
// at once (open a criterion, type for 10–20 s, save; every third save uploads a PDF), 50
// reviewers do the same with their review drafts, and 20 members of the public read the public
// pages (one every 100–300 ms each), against one Laurel process on 127.0.0.1. Prints each kind
// of request's count, errors and latency; the target is zero errors and p99 < 250 ms for saves.
// Nothing is asserted.
//
//   npm run bench:deadline -- [--scale program|national] [--seconds 60]
import { parseArgs } from 'node:util';
import { Visitor } from './http/client.js';
import { startServer } from './http/processes.js';
import type { BenchData, ScaleName } from './http/seed.js';

const { values: options } = parseArgs({
  options: { scale: { type: 'string', default: 'program' }, seconds: { type: 'string', default: '60' } },
});
const scale = options.scale as ScaleName;
const seconds = Math.max(5, Math.min(300, Number(options.seconds) || 60));
const APPLICANTS = 200;
const PUBLIC_VISITORS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (min: number, max: number) => min + Math.random() * (max - min);
/** The bytes of a small, real PDF (what file-type and the evidence checks see). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);
const ANSWER = Array.from(
  { length: 16 },
  (_, i) =>
    `Sentence ${i + 1}: our advanced courses are open to every student, and families meet us in their languages.`,
).join(' ');

class Latencies {
  private readonly samples = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();
  private readonly examples = new Map<string, string>();

  /** Times one request until its whole body has arrived; returns the body, or undefined on failure. */
  async time(kind: string, expect: number, run: () => Promise<Response>): Promise<string | undefined> {
    const started = performance.now();
    try {
      const response = await run();
      const body = await response.text();
      (this.samples.get(kind) ?? this.samples.set(kind, []).get(kind)!).push(performance.now() - started);
      if (response.status !== expect) {
        this.fail(kind, `status ${response.status}: ${body.replace(/\s+/g, ' ').slice(0, 300)}`);
        return undefined;
      }
      return body;
    } catch (error) {
      this.fail(kind, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  private fail(kind: string, why: string) {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
    if (!this.examples.has(kind)) this.examples.set(kind, why);
  }

  print() {
    console.log('| requests | count | errors | p50 ms | p95 ms | p99 ms | max ms | target |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const [kind, list] of this.samples) {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const errors = this.failures.get(kind) ?? 0;
      const isSave = kind.includes('save') || kind.includes('upload');
      const target = isSave ? `0 errors, p99 < 250 ms: ${errors === 0 && at(0.99) < 250 ? 'met' : 'not met'}` : '';
      console.log(
        `| ${kind} | ${list.length} | ${errors} | ${at(0.5).toFixed(0)} | ${at(0.95).toFixed(0)} | ${at(0.99).toFixed(0)} | ${(sorted.at(-1) ?? 0).toFixed(0)} | ${target} |`,
      );
    }
    for (const [kind, why] of this.examples) console.log(`first error in "${kind}": ${why}`);
  }
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function main() {
  console.log(`Laurel deadline-day load — ${new Date().toISOString()} — ${scale} scale, ${seconds} s`);
  const server = await startServer<BenchData>(
    'laurel.ts',
    [scale],
    process.env.BENCH_DATABASE_URL ? { BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL } : {},
  );
  const base = `http://127.0.0.1:${server.info.port}`;
  const data = server.info;
  const stats = new Latencies();
  try {
    // Everyone signs in first (argon2 on purpose slow), a few at a time.
    const applicants = data.draftApplicationIds.slice(0, APPLICANTS).map((applicationId, i) => ({
      visitor: new Visitor(base),
      email: `applicant${i + 1}@bench.example.org`,
      applicationId,
      criteria: [] as string[],
    }));
    await inBatches(applicants, 8, async (a) => {
      await a.visitor.signIn(a.email, data.password);
      const page = await (await a.visitor.request(`/applications/${a.applicationId}`)).text();
      a.criteria = [...new Set([...page.matchAll(/\/applications\/\d+\/criteria\/(\d+)/g)].map((m) => m[1]!))];
      if (a.criteria.length === 0) throw new Error(`${a.email} sees no criterion to answer`);
    });
    const reviewers = data.reviewerAssignmentIds.map((assignmentId, i) => ({
      visitor: new Visitor(base),
      email: `reviewer${i + 1}@bench.example.edu`,
      assignmentId,
    }));
    await inBatches(reviewers, 8, (r) => r.visitor.signIn(r.email, data.password));
    console.log(`${applicants.length} principals and ${reviewers.length} reviewers signed in; load for ${seconds} s`);

    const end = Date.now() + seconds * 1000;
    const principal = async (a: (typeof applicants)[number]) => {
      await sleep(jitter(0, 15_000));
      for (let turn = 0; Date.now() < end; turn += 1) {
        const criterionId = a.criteria[turn % a.criteria.length]!;
        const path = `/applications/${a.applicationId}/criteria/${criterionId}`;
        const page = await stats.time('principal: criterion page', 200, () => a.visitor.request(path));
        if (!page) continue;
        const csrf = /\?_csrf=([^"]+)"/.exec(page)?.[1];
        const form = new FormData();
        form.set('answer', `${ANSWER} (turn ${turn})`);
        const upload = turn % 3 === 2;
        if (upload) form.set('files', new Blob([PDF], { type: 'application/pdf' }), `evidence-${turn}.pdf`);
        await sleep(jitter(10_000, 20_000));
        await stats.time(upload ? 'principal: save with an upload' : 'principal: save answer', 303, () =>
          a.visitor.request(`${path}?_csrf=${csrf ?? ''}`, { method: 'POST', body: form }),
        );
      }
    };
    const reviewer = async (r: (typeof reviewers)[number]) => {
      await sleep(jitter(0, 15_000));
      while (Date.now() < end) {
        const path = `/reviews/${r.assignmentId}`;
        const page = await stats.time('reviewer: application + form', 200, () => r.visitor.request(path));
        if (!page) continue;
        const html = page;
        const fields = new URLSearchParams({
          _csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
          action: 'save',
        });
        for (const [, id] of html.matchAll(/name="score_(\d+)" value="3"/g)) {
          fields.set(`score_${id}`, '3');
          fields.set(`comment_${id}`, 'Clear evidence; the family nights are new this year.');
        }
        await sleep(jitter(10_000, 20_000));
        await stats.time('reviewer: save draft', 303, () =>
          r.visitor.request(path, {
            method: 'POST',
            body: fields.toString(),
            type: 'application/x-www-form-urlencoded',
          }),
        );
      }
    };
    const publicPaths = ['/', '/honorees', data.honoreePath, data.criteriaPath, '/honorees.json'];
    const visitor = async () => {
      const v = new Visitor(base);
      while (Date.now() < end) {
        const path = publicPaths[Math.floor(Math.random() * publicPaths.length)]!;
        await stats.time('public pages', 200, () => v.request(path));
        await sleep(jitter(100, 300));
      }
    };
    await Promise.all([
      ...applicants.map(principal),
      ...reviewers.map(reviewer),
      ...Array.from({ length: PUBLIC_VISITORS }, visitor),
    ]);
    stats.print();
  } finally {
    await server.stop();
  }
}

await main();
