// Times a reviewer's ZIP of an application with a large body of evidence (by default 12 files of
// 25 MB, 300 MB in all) sent over a real socket on 127.0.0.1, and samples the server process's
// memory meanwhile: a streamed ZIP holds about one chunk at a time, so the peak stays near the
// start whatever the size. The app, database (PGlite) and the reader share this process, as in
// the tests. No assertions; run with `npx tsx bench/review-bundle.bench.ts [files] [MB]`.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { asc, eq } from 'drizzle-orm';
import { applications, assignments, criteria, evidenceFiles, reviewRounds, schools } from '../models/schema.js';
import { storedPath } from '../server/storage/disk-store.js';
import { schoolMatchKey } from '../server/services/schools/match-key.js';
import { createOpenCycle, createUser, signIn } from '../test/helpers/factories.js';
import { startHarness } from '../test/helpers/harness.js';

const [fileCount = 12, megabytes = 25] = process.argv.slice(2).map(Number);
const SIZE = megabytes * 1024 * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const h = await startHarness();
try {
  const cycleId = await createOpenCycle(h.db, h.clock());
  const [criterion] = await h.db
    .select()
    .from(criteria)
    .where(eq(criteria.cycleId, cycleId))
    .orderBy(asc(criteria.position))
    .limit(1);
  const [school] = await h.db
    .insert(schools)
    .values({
      name: 'Bench High School',
      city: 'Salem',
      state: 'OR',
      level: 'high',
      matchKey: schoolMatchKey('Bench High School', 'Salem', 'OR'),
    })
    .returning();
  const [application] = await h.db
    .insert(applications)
    .values({ cycleId, schoolId: school!.id, status: 'eligible', submittedAt: h.clock() })
    .returning();
  // One stored file of SIZE random bytes (random: nothing to gain from compression), listed
  // fileCount times as evidence: the ZIP reads it that many times.
  const storedName = 'be/be' + '5'.repeat(30);
  const file = storedPath(path.join(h.dataDir, 'uploads'), storedName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, randomBytes(SIZE));
  await h.db.insert(evidenceFiles).values(
    Array.from({ length: fileCount }, (_, i) => ({
      applicationId: application!.id,
      criterionId: criterion!.id,
      originalName: `Evidence part ${i + 1}.pdf`,
      storedName,
      kind: 'pdf' as const,
      contentType: 'application/pdf',
      sizeBytes: SIZE,
      sha256: '0'.repeat(64),
    })),
  );
  const reviewer = await createUser(h.db, {
    email: 'bench@panel.example.org',
    name: 'Bench Reviewer',
    roles: ['reviewer'],
  });
  const [round] = await h.db
    .insert(reviewRounds)
    .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 30 * 86_400_000) })
    .returning();
  const [assignment] = await h.db
    .insert(assignments)
    .values({ roundId: round!.id, applicationId: application!.id, reviewerId: reviewer.id })
    .returning();
  const agent = h.agent();
  await signIn(agent, 'bench@panel.example.org');

  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed + before.arrayBuffers;
  const sample = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
  }, 50);
  let received = 0;
  const started = performance.now();
  const res = await agent
    .get(`/reviews/${assignment!.id}/bundle.zip`)
    // Counted, not kept: the client's own limit on what it keeps does not apply.
    .maxResponseSize(Number.MAX_SAFE_INTEGER)
    .buffer(true)
    .parse((stream, done) => {
      stream.pipe(
        new Writable({
          write(chunk: Buffer, _encoding, next) {
            received += chunk.length;
            next();
          },
          final(next) {
            next();
            done(null, null);
          },
        }),
      );
    });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  console.log(`ZIP of ${fileCount} × ${mb(SIZE)} of evidence: status ${res.status}, ${mb(received)} received`);
  console.log(`  ${seconds.toFixed(2)} s, ${(received / 1024 / 1024 / seconds).toFixed(0)} MB/s`);
  console.log(`  server process RSS: ${mb(before.rss)} before, ${mb(peakRss)} at most while sending`);
  console.log(
    `  JS heap + buffers: ${mb(before.heapUsed + before.arrayBuffers)} before, ${mb(peakHeap)} at most while sending`,
  );
} finally {
  await h.close();
}
