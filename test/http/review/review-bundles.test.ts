// A reviewer's printable application and its ZIPs: what they hold (the answers as a page, the
// evidence byte for byte), what blind review keeps out of them, who gets them, a stored file gone
// missing, and that a large ZIP is streamed rather than held in memory.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { and, asc, eq } from 'drizzle-orm';
import type { Response as SuperResponse } from 'superagent';
import yauzl from 'yauzl';
import {
  applicationAnswers,
  assignments,
  criteria,
  cycles,
  evidenceFiles,
  reviewerConflicts,
  reviewRounds,
  type EvidenceFile,
} from '../../../models/schema.js';
import { storedPath } from '../../../server/storage/disk-store.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createUser, signIn, createOpenCycle } from '../../helpers/factories.js';
import { download } from '../../helpers/forms.js';
import {
  confirmedNomination,
  submittedApplication,
  writeStored as writeStoredFile,
} from '../../helpers/review-setup.js';
import { LINCOLN, fixtureBytes } from '../../helpers/applicant.js';

type Agent = ReturnType<Harness['agent']>;
const DAY = 24 * 60 * 60 * 1000;

interface ZipEntry {
  bytes: Buffer;
  /** 0 stored, 8 deflated. */
  method: number;
}

/** Every entry of a ZIP, by name, read back with yauzl. */
async function readZip(source: Buffer | string): Promise<Map<string, ZipEntry>> {
  const options = { lazyEntries: true, validateEntrySizes: true };
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, file?: yauzl.ZipFile) => (error ? reject(error) : resolve(file!));
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
  const entries = new Map<string, ZipEntry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('no stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, { bytes: Buffer.concat(chunks), method: entry.compressionMethod });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return entries;
}

describe('a reviewer’s printable application and its ZIPs', () => {
  let h: Harness;
  let cycleId: number;
  let uploadDir: string;
  let lincolnId: number;
  let rooseveltId: number;
  /** Lincoln's files a reviewer reads, in the review page's order, with the bytes each holds. */
  let lincolnFiles: Array<{ row: EvidenceFile; bytes: Buffer }>;
  let rooseveltFiles: Array<{ row: EvidenceFile; bytes: Buffer }>;
  const assigned = { fairLincoln: 0, fairRoosevelt: 0, declaredLincoln: 0, declaredRoosevelt: 0, elsewhere: 0 };
  const agents = {} as Record<'fair' | 'declared' | 'elsewhere', Agent>;
  const LINCOLN_WORDS = ['lincoln', 'portland'];

  const submitSchool = (email: string, profile: Record<string, string>, files: Array<{ name: string; as: string }>) =>
    submittedApplication(h, cycleId, { email, profile, files });

  const writeStored = (storedName: string, bytes: Buffer) => writeStoredFile(h, storedName, bytes);

  const setBlind = (blind: boolean) => h.db.update(cycles).set({ blindReview: blind }).where(eq(cycles.id, cycleId));

  before(async () => {
    h = await startHarness();
    uploadDir = path.join(h.dataDir, 'uploads');
    cycleId = await createOpenCycle(h.db, h.clock());
    const lincoln = await submitSchool('principal@lincoln.pps.example.org', LINCOLN, [
      { name: 'sample.pdf', as: 'Lincoln budget.pdf' },
      { name: 'sample.xlsx', as: 'Lincoln data.xlsx' },
      { name: 'sample.png', as: 'Portland campus.png' },
    ]);
    lincolnId = lincoln.applicationId;
    // An answer that names the school, its district and its city, for blind review to take out.
    await h.db
      .update(applicationAnswers)
      .set({ answer: 'At Lincoln High School, part of Portland Public Schools, every student in Portland takes AP.' })
      .where(
        and(
          eq(applicationAnswers.applicationId, lincolnId),
          eq(applicationAnswers.criterionId, lincoln.cycleCriteria[0]!.id),
        ),
      );
    const roosevelt = await submitSchool(
      'head@roosevelt.salem.example.org',
      {
        ...LINCOLN,
        name: 'Roosevelt High School',
        district: 'Salem-Keizer Public Schools',
        city: 'Salem',
        website: 'https://roosevelt.salem.example.org',
      },
      [{ name: 'sample.pdf', as: 'Roosevelt plan.pdf' }],
    );
    rooseveltId = roosevelt.applicationId;

    const { nomination, letter } = await confirmedNomination(h, {
      cycleId,
      schoolId: lincoln.schoolId,
      applicationId: lincolnId,
      reason: 'Lincoln opens its advanced classes to every student in Portland.',
      storedName: 'cd/cd' + '2'.repeat(30),
    });
    // A file on a criterion the school did not choose: no reviewer reads it, so no ZIP holds it.
    const unchosen = lincoln.cycleCriteria.filter((c) => !c.required)[5]!;
    await h.db.insert(evidenceFiles).values({
      kind: 'pdf',
      contentType: 'application/pdf',
      sizeBytes: letter.sizeBytes,
      sha256: letter.sha256,
      storedName: letter.storedName,
      applicationId: lincolnId,
      criterionId: unchosen.id,
      originalName: 'Stray.pdf',
    });

    const fixtureOf: Record<string, string> = { pdf: 'sample.pdf', xlsx: 'sample.xlsx', png: 'sample.png' };
    const withBytes = (rows: EvidenceFile[]) => rows.map((row) => ({ row, bytes: fixtureBytes(fixtureOf[row.kind]!) }));
    const ofApplication = (applicationId: number) =>
      h.db
        .select()
        .from(evidenceFiles)
        .where(
          and(
            eq(evidenceFiles.applicationId, applicationId),
            eq(evidenceFiles.criterionId, lincoln.cycleCriteria[0]!.id),
          ),
        )
        .orderBy(asc(evidenceFiles.id));
    const [nominationFile] = await h.db
      .select()
      .from(evidenceFiles)
      .where(eq(evidenceFiles.nominationId, nomination.id));
    lincolnFiles = withBytes([...(await ofApplication(lincolnId)), nominationFile!]);
    rooseveltFiles = withBytes(await ofApplication(rooseveltId));
    expect(lincolnFiles.map((f) => f.row.originalName)).to.deep.equal([
      'Lincoln budget.pdf',
      'Lincoln data.xlsx',
      'Portland campus.png',
      'Lincoln letter.pdf',
    ]);

    const [round] = await h.db
      .insert(reviewRounds)
      .values({ cycleId, number: 1, name: 'Round 1', dueAt: new Date(h.clock().getTime() + 10 * DAY) })
      .returning();
    const assign = async (reviewerId: number, applicationId: number) =>
      (await h.db.insert(assignments).values({ roundId: round!.id, applicationId, reviewerId }).returning())[0]!.id;
    const fair = await createUser(h.db, { email: 'fair@panel.example.net', roles: ['reviewer'] });
    const declared = await createUser(h.db, { email: 'declared@panel.example.net', roles: ['reviewer'] });
    const elsewhere = await createUser(h.db, { email: 'elsewhere@panel.example.net', roles: ['reviewer'] });
    assigned.fairLincoln = await assign(fair.id, lincolnId);
    assigned.fairRoosevelt = await assign(fair.id, rooseveltId);
    assigned.declaredLincoln = await assign(declared.id, lincolnId);
    assigned.declaredRoosevelt = await assign(declared.id, rooseveltId);
    assigned.elsewhere = await assign(elsewhere.id, rooseveltId);
    await h.db
      .insert(reviewerConflicts)
      .values({ reviewerId: declared.id, schoolId: lincoln.schoolId, source: 'declared', reason: 'I coach there.' });
    for (const [key, user] of [
      ['fair', fair],
      ['declared', declared],
      ['elsewhere', elsewhere],
    ] as const) {
      agents[key] = h.agent();
      await signIn(agents[key], user.email);
    }
  });
  after(() => h.close());

  /** The names a reviewer reads the files by: the originals, or "Evidence N" when blind. */
  const zipNames = (files: Array<{ row: EvidenceFile }>, blind: boolean) =>
    files.map(({ row }, index) => {
      const number = String(index + 1).padStart(2, '0');
      const extension = { pdf: 'pdf', xlsx: 'xlsx', png: 'png' }[row.kind as string];
      return `${number} ${blind ? `Evidence ${index + 1}.${extension}` : row.originalName}`;
    });

  function expectApplicationFolder(
    entries: Map<string, ZipEntry>,
    applicationId: number,
    files: Array<{ row: EvidenceFile; bytes: Buffer }>,
    blind: boolean,
  ) {
    const folder = `application-${applicationId}`;
    const names = zipNames(files, blind);
    names.forEach((name, index) => {
      const entry = entries.get(`${folder}/evidence/${name}`);
      expect(entry, name).to.not.equal(undefined);
      expect(Buffer.compare(entry!.bytes, files[index]!.bytes), name).to.equal(0);
      // PDFs, images and Office files are compressed already: stored as they are.
      expect(entry!.method, name).to.equal(0);
    });
    const page = entries.get(`${folder}/${folder}.html`);
    expect(page, 'the application page').to.not.equal(undefined);
    expect(page!.method).to.equal(8);
    const html = page!.bytes.toString('utf8');
    expect(html).to.match(/^<!doctype html>\s*<html lang="en">/);
    expect(html).not.to.match(/<script/i);
    expect(html).to.contain('@media print');
    for (const name of names) expect(html).to.contain(`href="evidence/${encodeURIComponent(name)}"`);
    return html;
  }

  for (const mode of ['normal', 'blind'] as const) {
    describe(`in ${mode} mode`, () => {
      const blind = mode === 'blind';
      before(() => setBlind(blind));

      it('gives one application as a ZIP: its page and every evidence file, byte for byte, under a neutral name', async () => {
        const res = await download(agents.fair, `/reviews/${assigned.fairLincoln}/bundle.zip`);
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.equal('application/zip');
        expect(res.headers['content-disposition']).to.equal(`attachment; filename=application-${lincolnId}.zip`);
        expect(res.headers['cache-control']).to.equal('private, no-store');
        expect(res.headers['x-content-type-options']).to.equal('nosniff');
        const entries = await readZip(res.body as Buffer);
        expect(entries.size).to.equal(lincolnFiles.length + 1);
        const html = expectApplicationFolder(entries, lincolnId, lincolnFiles, blind);
        expect(html).to.contain('every student in');
        expect(html).to.contain('advanced classes to every student');
        expect(html).not.to.contain('Stray');
        if (blind) {
          for (const name of entries.keys())
            for (const word of LINCOLN_WORDS) expect(name.toLowerCase()).not.to.contain(word);
          for (const word of LINCOLN_WORDS) expect(html.toLowerCase(), word).not.to.contain(word);
          expect(html).to.contain(`Application no. ${lincolnId}`);
          expect(html).to.contain('At [school], part of [district], every student in [city] takes AP.');
          expect(html).to.contain('Nominator 1');
          expect(html).not.to.contain('Nia');
          expect(html).to.contain('about 1,500 (rounded in blind review)');
        } else {
          expect(html).to.contain('<h1>Lincoln High School</h1>');
          expect(html).to.contain('Portland Public Schools · Portland, OR');
          expect(html).to.contain('At Lincoln High School, part of Portland Public Schools');
          expect(html).to.contain('<dd>1,540</dd>');
        }
        // No score, no other review, no confidential note.
        expect(html).not.to.match(/name="score_|Confidential note|Other reviews/);
      });

      it('gives all of a reviewer’s current assignments in one ZIP, a folder each', async () => {
        const res = await download(agents.fair, '/reviews/bundle.zip');
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.equal('application/zip');
        expect(res.headers['content-disposition']).to.equal('attachment; filename=reviews-2026-11-22.zip');
        expect(res.headers['cache-control']).to.equal('private, no-store');
        const entries = await readZip(res.body as Buffer);
        expect(entries.size).to.equal(lincolnFiles.length + 1 + rooseveltFiles.length + 1);
        const lincolnPage = expectApplicationFolder(entries, lincolnId, lincolnFiles, blind);
        const rooseveltPage = expectApplicationFolder(entries, rooseveltId, rooseveltFiles, blind);
        if (blind) {
          const everything = [...entries.keys(), lincolnPage, rooseveltPage].join('\n').toLowerCase();
          for (const word of [...LINCOLN_WORDS, 'roosevelt', 'salem']) expect(everything, word).not.to.contain(word);
        } else {
          expect(lincolnPage).to.contain('Lincoln High School');
          expect(rooseveltPage).to.contain('Roosevelt High School');
          expect(rooseveltPage).not.to.contain('Lincoln');
        }
      });

      it('shows the application as a page that prints on its own: its language, its title, no script', async () => {
        const res = await agents.fair.get(`/reviews/${assigned.fairLincoln}/print`);
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.match(/^text\/html/);
        expect(res.headers['cache-control']).to.equal('private, no-store');
        expect(res.text).to.match(/^<!doctype html>\s*<html lang="en">/);
        expect(res.text).to.match(/<title>[^<]+ — Round 1<\/title>/);
        expect(res.text).not.to.match(/<script/i);
        expect(res.text).to.contain('@media print');
        const policy = String(res.headers['content-security-policy']);
        const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
        expect(policy).to.contain("default-src 'none'");
        expect(res.text).to.contain(`<style nonce="${nonce}">`);
        // Each file is named as in the ZIP and downloaded through the review's own route.
        zipNames(lincolnFiles, blind).forEach((name, index) => {
          expect(res.text).to.contain(
            `<a href="/reviews/${assigned.fairLincoln}/files/${lincolnFiles[index]!.row.publicId}">${name}</a>`,
          );
        });
        if (blind) for (const word of LINCOLN_WORDS) expect(res.text.toLowerCase(), word).not.to.contain(word);
        else expect(res.text).to.contain('<h1>Lincoln High School</h1>');
        const review = await agents.fair.get(`/reviews/${assigned.fairLincoln}`);
        expect(review.text).to.contain(`href="/reviews/${assigned.fairLincoln}/print"`);
        expect(review.text).to.contain(`href="/reviews/${assigned.fairLincoln}/bundle.zip"`);
        expect((await agents.fair.get('/reviews')).text).to.contain('href="/reviews/bundle.zip"');
      });

      it('is “not found” for a conflicted or unassigned reviewer, and leaves the conflict out of the ZIP of all', async () => {
        for (const [agent, id] of [
          [agents.declared, assigned.declaredLincoln],
          [agents.elsewhere, assigned.fairLincoln],
          [agents.elsewhere, assigned.declaredLincoln],
          [agents.elsewhere, assigned.fairRoosevelt],
        ] as const) {
          for (const url of [`/reviews/${id}/print`, `/reviews/${id}/bundle.zip`]) {
            const res = await agent.get(url);
            expect(res.status, url).to.equal(404);
            expect(res.headers['content-disposition'], url).to.equal(undefined);
            expect(res.text.toLowerCase()).not.to.contain('lincoln');
          }
        }
        const all = await download(agents.declared, '/reviews/bundle.zip');
        expect(all.status).to.equal(200);
        const entries = await readZip(all.body as Buffer);
        expect([...entries.keys()].every((name) => name.startsWith(`application-${rooseveltId}/`))).to.equal(true);
        expectApplicationFolder(entries, rooseveltId, rooseveltFiles, blind);
        const text = [...entries.values()]
          .map((e) => e.bytes.toString('latin1'))
          .join('\n')
          .toLowerCase();
        expect(text).not.to.contain('lincoln');
      });
    });
  }

  it('speaks the reader’s language', async () => {
    const res = await agents.fair.get(`/reviews/${assigned.fairRoosevelt}/print`).set('Accept-Language', 'es');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/<html lang="es">/);
    expect(res.text).to.contain('Confidencial');
  });

  it('keeps the pages and ZIPs from applicants and admins without the reviewer role, and sends visitors to sign in', async () => {
    const principal = h.agent();
    await signIn(principal, 'principal@lincoln.pps.example.org');
    await createUser(h.db, { email: 'admin@program.example.org', roles: ['admin'] });
    const admin = h.agent();
    await signIn(admin, 'admin@program.example.org');
    const urls = [
      `/reviews/${assigned.fairLincoln}/print`,
      `/reviews/${assigned.fairLincoln}/bundle.zip`,
      '/reviews/bundle.zip',
    ];
    for (const agent of [principal, admin]) {
      for (const url of urls) {
        const res = await agent.get(url);
        expect(res.status, url).to.equal(403);
        expect(res.text).to.contain('This page is for reviewers of the program');
      }
    }
    for (const url of urls) {
      const res = await h.agent().get(url);
      expect(res.status, url).to.equal(303);
      expect(res.headers.location).to.equal(`/login?next=${encodeURIComponent(url)}`);
    }
  });

  it('puts a note in place of a stored file that has gone missing, and the ZIP stays whole', async () => {
    await setBlind(false);
    const gone = lincolnFiles[1]!.row;
    rmSync(storedPath(uploadDir, gone.storedName));
    try {
      const res = await download(agents.fair, `/reviews/${assigned.fairLincoln}/bundle.zip`);
      expect(res.status).to.equal(200);
      const entries = await readZip(res.body as Buffer);
      const folder = `application-${lincolnId}`;
      const note = entries.get(`${folder}/evidence/02 Lincoln data.xlsx — missing.txt`);
      expect(note, [...entries.keys()].join(', ')).to.not.equal(undefined);
      expect(note!.bytes.toString('utf8')).to.equal(
        'The file “02 Lincoln data.xlsx” was not found in the program’s storage when this ZIP was made, so it is not included. Please tell the program staff.',
      );
      expect(entries.has(`${folder}/evidence/02 Lincoln data.xlsx`)).to.equal(false);
      for (const index of [0, 2, 3]) {
        const name = zipNames(lincolnFiles, false)[index]!;
        expect(Buffer.compare(entries.get(`${folder}/evidence/${name}`)!.bytes, lincolnFiles[index]!.bytes)).to.equal(
          0,
        );
      }
      const html = entries.get(`${folder}/${folder}.html`)!.bytes.toString('utf8');
      expect(html).to.contain(
        `<a href="evidence/${encodeURIComponent('02 Lincoln data.xlsx — missing.txt')}">02 Lincoln data.xlsx — missing.txt</a> <em>(missing: a note takes its place)</em>`,
      );
      // The ZIP of all is whole too.
      const all = await download(agents.fair, '/reviews/bundle.zip');
      expect((await readZip(all.body as Buffer)).has(`${folder}/evidence/02 Lincoln data.xlsx — missing.txt`)).to.equal(
        true,
      );
    } finally {
      writeStored(gone.storedName, lincolnFiles[1]!.bytes);
    }
  });

  it('streams a large ZIP without holding it in memory, and closes the file when the reader leaves', async function () {
    this.timeout(120_000);
    // A full collection, on demand, so what is measured is what is still held, not garbage.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const SIZE = 24 * 1024 * 1024;
    const big = randomBytes(SIZE);
    const bigHash = createHash('sha256').update(big).digest('hex');
    const storedName = 'ef/ef' + '3'.repeat(30);
    writeStored(storedName, big);
    const [firstCriterion] = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position))
      .limit(1);
    const row = {
      kind: 'pdf' as const,
      contentType: 'application/pdf',
      sizeBytes: SIZE,
      sha256: bigHash,
      storedName,
      criterionId: firstCriterion!.id,
    };
    // Three copies across the reviewer's two applications: 72 MB of evidence in one ZIP.
    const inserted = await h.db
      .insert(evidenceFiles)
      .values([
        { ...row, applicationId: lincolnId, originalName: 'Big one.pdf' },
        { ...row, applicationId: lincolnId, originalName: 'Big two.pdf' },
        { ...row, applicationId: rooseveltId, originalName: 'Big three.pdf' },
      ])
      .returning();
    const zipPath = path.join(h.dataDir, 'all.zip');
    try {
      gc();
      const held = () => {
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      const baseline = held();
      let peak = baseline;
      // What is held is measured after a full collection at a few points of the download: a
      // collection every few milliseconds would starve the download in a large test process.
      let received = 0;
      let nextCheck = SIZE / 2;
      const res: SuperResponse = await agents.fair
        .get('/reviews/bundle.zip')
        .buffer(true)
        .parse((stream, done) => {
          stream.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received < nextCheck) return;
            nextCheck += SIZE / 2;
            gc();
            peak = Math.max(peak, held());
          });
          pipeline(stream as unknown as NodeJS.ReadableStream, createWriteStream(zipPath)).then(
            () => done(null, null),
            (error: Error) => done(error, null),
          );
        });
      expect(received, 'the growth was measured during the download').to.be.greaterThan(2 * SIZE);
      expect(res.status).to.equal(200);
      const growth = peak - baseline;
      expect(growth, `held ${Math.round(growth / 1e6)} MB more while sending 72 MB`).to.be.lessThan(SIZE);
      const entries = await readZip(zipPath);
      const bigOnes = [...entries].filter(([name]) => / Big (one|two|three)\.pdf$/.test(name));
      expect(bigOnes.map(([name]) => name.replace(/^.*\/\d\d /, '')).sort()).to.deep.equal([
        'Big one.pdf',
        'Big three.pdf',
        'Big two.pdf',
      ]);
      for (const [name, entry] of bigOnes)
        expect(createHash('sha256').update(entry.bytes).digest('hex'), name).to.equal(bigHash);
      expect(statSync(zipPath).size).to.be.greaterThan(3 * SIZE);

      // A reader who leaves mid-file: the process carries on, and the stored file is closed.
      const bigPath = storedPath(uploadDir, storedName);
      const openCopies = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === bigPath;
          } catch {
            return false; // closed while listed
          }
        }).length;
      let receivedBeforeLeaving = 0;
      let openWhenLeaving = 0;
      const leaving = agents.fair.get('/reviews/bundle.zip').buffer(true);
      leaving.parse((stream, done) => {
        stream.on('data', (chunk: Buffer) => {
          receivedBeforeLeaving += chunk.length;
          if (receivedBeforeLeaving > 1024 * 1024 && openWhenLeaving === 0) {
            openWhenLeaving = openCopies();
            leaving.abort();
          }
        });
        stream.on('end', () => done(null, null));
      });
      await leaving.then(
        () => undefined,
        () => undefined,
      );
      expect(openWhenLeaving, 'the file was being read').to.equal(1);
      for (let wait = 0; wait < 50 && openCopies() > 0; wait += 1) await new Promise((r) => setTimeout(r, 100));
      expect(openCopies(), 'the file is closed').to.equal(0);
      expect((await agents.fair.get('/reviews')).status).to.equal(200);
    } finally {
      for (const file of inserted) await h.db.delete(evidenceFiles).where(eq(evidenceFiles.id, file.id));
      rmSync(zipPath, { force: true });
    }
  });
});
