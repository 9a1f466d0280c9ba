// The portal with its evidence in a bucket (STORAGE_URL), on a real S3-compatible server on
// loopback: a school's upload goes through the real form into the bucket and nowhere under
// UPLOAD_DIR, its owner downloads the same bytes, and who may download is decided as before.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { criteria, evidenceFiles } from '../../../models/schema.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { createOpenCycle, createUser, signIn } from '../../helpers/factories.js';
import { submitForm } from '../../helpers/forms.js';
import { LINCOLN, addSchool, fixtureBytes, saveCriterion, startApplication, words } from '../../helpers/applicant.js';
import { startS3Server, type S3Server } from '../../helpers/s3-server.js';

const PREFIX = 'laurel/evidence/';

describe('evidence kept in a bucket', function () {
  this.timeout(60_000);
  let s3: S3Server;
  let h: Harness;
  let lincoln: ReturnType<Harness['agent']>;
  let applicationId: number;
  let criterionId: number;
  let files: Array<typeof evidenceFiles.$inferSelect>;
  const fileUrl = (file: { publicId: string }) => `/applications/${applicationId}/files/${file.publicId}`;

  before(async () => {
    s3 = await startS3Server();
    h = await startHarness({ storage: s3.store({ prefix: PREFIX }) });
    const cycleId = await createOpenCycle(h.db, h.clock());
    await createUser(h.db, { email: 'principal@lincoln.pps.example.org', name: 'Pat Principal' });
    await createUser(h.db, { email: 'head@roosevelt.example.org', name: 'Robin Roosevelt' });
    lincoln = h.agent();
    await signIn(lincoln, 'principal@lincoln.pps.example.org');
    applicationId = await startApplication(lincoln, await addSchool(lincoln), cycleId);
    const [first] = await h.db
      .select()
      .from(criteria)
      .where(eq(criteria.cycleId, cycleId))
      .orderBy(asc(criteria.position));
    criterionId = first!.id;
    const saved = await saveCriterion(lincoln, applicationId, criterionId, {
      answer: words(10),
      files: [{ name: 'sample.pdf' }, { name: 'sample.xlsx' }],
    });
    expect(saved.status, saved.text).to.equal(303);
    files = await h.db
      .select()
      .from(evidenceFiles)
      .where(eq(evidenceFiles.applicationId, applicationId))
      .orderBy(asc(evidenceFiles.originalName));
  });
  after(async () => {
    await h?.close();
    await s3?.stop();
  });

  it('puts each uploaded file in the bucket under the prefix, and leaves nothing in UPLOAD_DIR', async () => {
    expect(files.map((file) => file.originalName)).to.deep.equal(['sample.pdf', 'sample.xlsx']);
    expect(await s3.keys()).to.deep.equal(files.map((file) => PREFIX + file.storedName).sort());
    const pdf = fixtureBytes('sample.pdf');
    expect(files[0]).to.deep.include({
      sizeBytes: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
    // The upload waited in UPLOAD_DIR/tmp while it was checked, and left it empty.
    const uploadDir = path.join(h.dataDir, 'uploads');
    const left = existsSync(uploadDir) ? readdirSync(uploadDir, { recursive: true, withFileTypes: true }) : [];
    expect(left.filter((entry) => entry.isFile()).map((entry) => entry.name)).to.deep.equal([]);
  });

  it('gives the school the same bytes back, as an attachment nobody caches', async () => {
    for (const file of files) {
      const res = await lincoln
        .get(fileUrl(file))
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status, file.originalName).to.equal(200);
      expect(Buffer.compare(res.body as Buffer, fixtureBytes(file.originalName)), file.originalName).to.equal(0);
      expect(res.headers['content-disposition']).to.equal(`attachment; filename=${file.originalName}`);
      expect(res.headers['content-type']).to.equal(file.contentType);
      expect(res.headers['cache-control']).to.equal('private, no-store');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
    }
  });

  it('still refuses the file to another school and to an anonymous visitor', async () => {
    const roosevelt = h.agent();
    await signIn(roosevelt, 'head@roosevelt.example.org');
    await addSchool(roosevelt, { ...LINCOLN, name: 'Roosevelt High School', website: 'https://roosevelt.example.org' });
    for (const file of files) {
      const other = await roosevelt.get(fileUrl(file)).buffer(true);
      expect(other.status, file.originalName).to.equal(404);
      expect(other.headers['content-disposition']).to.equal(undefined);
      expect(other.text).not.to.contain('Lincoln');

      const anonymous = await h.agent().get(fileUrl(file));
      expect(anonymous.status, file.originalName).to.equal(303);
      expect(anonymous.headers.location).to.match(/^\/login\?next=/);
    }
    const deletion = await submitForm(roosevelt, '/my/applications', `${fileUrl(files[0]!)}/delete`, {});
    expect(deletion.status).to.equal(404);
    expect(await s3.keys()).to.have.length(2);
  });

  it('tells the school plainly when the bucket has lost a file', async () => {
    const [pdf] = files;
    await s3.removeObject(PREFIX + pdf!.storedName);
    const res = await lincoln.get(fileUrl(pdf!));
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('The file is missing from storage. Please tell the program staff.');
  });

  it('removes the object from the bucket when the school deletes the file', async () => {
    const [, sheet] = files;
    const deleted = await submitForm(
      lincoln,
      `/applications/${applicationId}/criteria/${criterionId}`,
      `${fileUrl(sheet!)}/delete`,
      { criterionId: String(criterionId) },
    );
    expect(deleted.status, deleted.text).to.equal(303);
    expect(await s3.keys()).to.deep.equal([]);
    expect((await lincoln.get(fileUrl(sheet!))).status).to.equal(404);
  });
});
