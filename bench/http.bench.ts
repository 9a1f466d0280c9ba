// Requests per second and latency of the pages people use, under load (autocannon, 50
// connections), beside a bare Express app and a raw Node server measured in the same run, each
// server in its own process. One table: each page's figures, its ratio to the two floors, and its
// target. Nothing is asserted (see docs/BENCHMARKS.md).
//
//   npm run bench -- [--scale program|national] [--seconds 10] [--connections 50] [--only NAME]
//                    [--database pglite|postgresql|both]
//   DATABASE_URL=postgres://… adds a run on PostgreSQL (a scratch database is created and dropped).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Visitor } from './http/client.js';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, warmThenMeasure, type Figures, type Load } from './http/measure.js';
import { startServer } from './http/processes.js';
import type { BenchData, ScaleName } from './http/seed.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: 'program' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    /** pglite, postgresql or both (the default: PostgreSQL only when DATABASE_URL is set). */
    database: { type: 'string', default: 'both' },
  },
});
const scale = options.scale as ScaleName;
if (scale !== 'program' && scale !== 'national') throw new Error('--scale is program or national');
const seconds = Math.max(1, Math.min(60, Number(options.seconds) || 10));
const connections = Math.max(1, Math.min(200, Number(options.connections) || 50));

/** HotCRP 3.4 on this machine kind (nginx + php-fpm + MariaDB), as issue 14 measured it on 2026-12-01. */
const HOTCRP = { dashboard: 437, paper: 488, reviewForm: 506, signin: 2349 };

type Group = 'floor' | 'public' | 'reviewer' | 'admin';
interface Case {
  group: Group;
  name: string;
  load: Omit<Load, 'url' | 'connections' | 'seconds'> & { path: string; connections?: number };
  /** For reviewer pages: HotCRP's req/s on the matching page. */
  hotcrp?: number;
}
interface Row extends Figures {
  group: Group;
  name: string;
  hotcrp?: number;
  /** Time spent inside the server (its request log's responseTime): p50 and p99. */
  server?: { p50: number; p99: number };
}

/** The server's own request times between two moments, from its JSON request log. */
function serverTimes(lines: Array<{ time: number; responseTime?: number }>, from: number, to: number) {
  const times = lines
    .filter((l) => l.time >= from && l.time <= to && typeof l.responseTime === 'number')
    .map((l) => l.responseTime!)
    .sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

function verdict(row: Row, express: number): string {
  if (row.group === 'public') {
    const ok = row.rps >= 0.6 * express && row.p99 < 25 && row.errors === 0;
    return `≥ 60% Express, p99 < 25 ms: ${ok ? 'met' : 'not met'}`;
  }
  if (row.group === 'reviewer') {
    const goal = 10 * (row.hotcrp ?? 0);
    const ok = row.rps >= goal && row.p99 < 60 && row.errors === 0;
    return `≥ ${fmt(goal)} req/s (10× HotCRP ${fmt(row.hotcrp ?? 0)}), p99 < 60 ms: ${ok ? 'met' : 'not met'}`;
  }
  if (row.group === 'admin') return `p50 < 200 ms (one user): ${row.p50 < 200 ? 'met' : 'not met'}`;
  return '';
}

function printTable(title: string, rows: Row[], node: number, express: number) {
  console.log(`\n${title}`);
  console.log(
    '| page | req/s | p50 ms | p99 ms | in server p50 / p99 ms | errors | bytes | × Express | × Node | target |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const inServer = r.server ? `${fmt(r.server.p50, 1)} / ${fmt(r.server.p99, 1)}` : '—';
    console.log(
      `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${inServer} | ${r.errors ? `${r.errors} (${r.errorKinds})` : 0} | ${fmt(r.bytes)} | ${(r.rps / express).toFixed(2)} | ${(r.rps / node).toFixed(3)} | ${verdict(r, express)} |`,
    );
  }
}

function laurelCases(data: BenchData, csrf: string, form: string): Case[] {
  return [
    { group: 'public', name: '/ (home)', load: { path: '/' } },
    { group: 'public', name: '/honorees', load: { path: '/honorees' } },
    { group: 'public', name: 'an honoree page', load: { path: data.honoreePath } },
    { group: 'public', name: 'criteria', load: { path: data.criteriaPath } },
    { group: 'public', name: '/honorees.json', load: { path: '/honorees.json' } },
    { group: 'public', name: '/honorees.csv', load: { path: '/honorees.csv' } },
    { group: 'public', name: '/login (anonymous form)', load: { path: '/login' }, hotcrp: HOTCRP.signin },
    { group: 'reviewer', name: 'reviewer dashboard', load: { path: '/reviews' }, hotcrp: HOTCRP.dashboard },
    {
      group: 'reviewer',
      name: 'application + review form (open)',
      load: { path: `/reviews/${data.openAssignmentId}` },
      hotcrp: HOTCRP.reviewForm,
    },
    {
      group: 'reviewer',
      name: 'application + submitted review',
      load: { path: `/reviews/${data.submittedAssignmentId}` },
      hotcrp: HOTCRP.paper,
    },
    {
      group: 'reviewer',
      name: 'saving a draft (POST, 303)',
      load: {
        path: `/reviews/${data.openAssignmentId}`,
        method: 'POST',
        body: `_csrf=${encodeURIComponent(csrf)}&${form}`,
        expect: 303,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      hotcrp: HOTCRP.reviewForm,
    },
    { group: 'admin', name: 'admin dashboard', load: { path: '/admin', connections: 1 } },
    { group: 'admin', name: 'round ranking', load: { path: `/admin/rounds/${data.roundId}/ranking`, connections: 1 } },
    { group: 'admin', name: 'applications list', load: { path: '/admin/applications', connections: 1 } },
  ];
}

/** A draft the reviewer could type: a score and a comment on each criterion shown. */
function draftForm(html: string): string {
  const fields = new URLSearchParams();
  for (const [, id] of html.matchAll(/name="score_(\d+)"/g)) {
    if (fields.has(`score_${id}`)) continue;
    fields.set(`score_${id}`, '4');
    fields.set(`comment_${id}`, 'Strong evidence of open access to advanced courses; the family nights are new.');
  }
  fields.set('action', 'save');
  return fields.toString();
}

async function runLaurel(label: string, env: Record<string, string>, floors: { node: number; express: number }) {
  const started = Date.now();
  const log = path.join(tmpdir(), `laurel-bench-${process.pid}-${started}.log`);
  const server = await startServer<BenchData & { seedSeconds: number }>('laurel.ts', [scale], {
    ...env,
    BENCH_LOG: log,
  });
  const rows: Row[] = [];
  const windows: Array<[Row, number, number]> = [];
  try {
    const { info } = server;
    const base = `http://127.0.0.1:${info.port}`;
    console.log(
      `\n${label}: seeded the ${scale} scale in ${info.seedSeconds.toFixed(1)} s (ready after ${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    const reviewer = new Visitor(base);
    await reviewer.signIn(info.reviewerEmail, info.password);
    const admin = new Visitor(base);
    await admin.signIn(info.adminEmail, info.password);
    const { html, csrf } = await reviewer.formPage(`/reviews/${info.openAssignmentId}`);
    for (const c of laurelCases(info, csrf, draftForm(html))) {
      if (options.only && !c.name.includes(options.only)) continue;
      const who = c.group === 'reviewer' ? reviewer : c.group === 'admin' ? admin : undefined;
      const { path, connections: own, headers, ...rest } = c.load;
      const load: Load = {
        ...rest,
        url: base + path,
        connections: own ?? connections,
        seconds,
        // What a browser sends: it accepts compressed answers.
        headers: {
          'accept-encoding': 'gzip, deflate, br',
          ...(who ? who.headers(headers) : { 'x-forwarded-proto': 'https', ...headers }),
        },
      };
      await measure({ ...load, seconds: Math.min(2, seconds) });
      const from = Date.now();
      const row: Row = { group: c.group, name: c.name, hotcrp: c.hotcrp, ...(await measure(load)) };
      rows.push(row);
      windows.push([row, from, Date.now()]);
    }
  } finally {
    await server.stop();
  }
  try {
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { time: number; responseTime?: number });
    for (const [row, from, to] of windows) row.server = serverTimes(lines, from, to);
  } catch {
    // Without the log the table says "—" in that column.
  }
  rmSync(log, { force: true });
  printTable(
    `${label}, ${scale} scale, ${connections} connections, ${seconds} s each`,
    rows,
    floors.node,
    floors.express,
  );
}

async function scratchPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `laurel_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function main() {
  console.log(`Laurel HTTP benchmark — ${new Date().toISOString()} — Node ${process.version}`);
  const floors = { node: 0, express: 0 };
  const floorRows: Row[] = [];
  for (const [name, script] of [
    ['raw Node "hello"', 'hello-node.ts'],
    ['bare Express "hello"', 'hello-express.ts'],
  ] as const) {
    const server = await startServer(script);
    try {
      const figures = await warmThenMeasure({ url: `http://127.0.0.1:${server.info.port}/`, connections, seconds });
      floorRows.push({ group: 'floor', name, ...figures });
      if (script === 'hello-node.ts') floors.node = figures.rps;
      else floors.express = figures.rps;
    } finally {
      await server.stop();
    }
  }
  printTable('Floors, measured in this run', floorRows, floors.node, floors.express);

  if (options.database !== 'postgresql') await runLaurel('Laurel on PGlite (embedded)', {}, floors);
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && options.database !== 'pglite') {
    const scratch = await scratchPostgres(databaseUrl);
    try {
      await runLaurel('Laurel on PostgreSQL', { BENCH_DATABASE_URL: scratch.url }, floors);
    } finally {
      await scratch.drop();
    }
  }
}

await main();
