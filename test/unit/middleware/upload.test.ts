import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { receiveFiles, type UploadLimits } from '../../../server/middleware/upload.js';
import { textIn } from '../../../server/i18n/translate.js';
import { DiskStore, storedPath } from '../../../server/storage/disk-store.js';
import { projectRoot } from '../../../server/paths.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Echo {
  problem: string | null;
  files: Array<{ originalName: string; size: number; inTmpDir: boolean; sha256: string }>;
  body: Record<string, unknown>;
  tempFilesAtHandler: string[];
}

describe('receiveFiles', () => {
  let dir: string;
  let tmpDir: string;
  let uploadDir: string;
  let app: express.Express;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-upload-'));
    // Not created yet: receiveFiles makes it on first use.
    tmpDir = path.join(dir, 'tmp');
    uploadDir = path.join(dir, 'uploads');
    app = buildApp({ tmpDir, uploadDir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Temp files are removed as the response ends, a moment after supertest has it. */
  async function expectTmpDirEmptied() {
    for (let attempt = 0; attempt < 50 && existsSync(tmpDir) && readdirSync(tmpDir).length > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(existsSync(tmpDir) ? readdirSync(tmpDir) : []).to.deep.equal([]);
  }

  it('receives the files into the temp directory and keeps the text fields', async () => {
    const response = await request(app)
      .post('/echo')
      .field('title', 'Our reading garden')
      .field('note', 'Café ☕ and “quotes”')
      .attach('evidence', fixture('sample.pdf'))
      .attach('evidence', fixture('sample.png'), 'Écoles été.png')
      .expect(200);

    const echo = response.body as Echo;
    expect(echo.problem).to.equal(null);
    expect(echo.body).to.deep.equal({ title: 'Our reading garden', note: 'Café ☕ and “quotes”' });
    expect(echo.files).to.deep.equal([
      {
        originalName: 'sample.pdf',
        size: readFileSync(fixture('sample.pdf')).length,
        inTmpDir: true,
        sha256: sha256Of(readFileSync(fixture('sample.pdf'))),
      },
      {
        originalName: 'Écoles été.png',
        size: readFileSync(fixture('sample.png')).length,
        inTmpDir: true,
        sha256: sha256Of(readFileSync(fixture('sample.png'))),
      },
    ]);
    expect(echo.tempFilesAtHandler).to.have.length(2);
    for (const name of echo.tempFilesAtHandler) expect(name).to.match(/^[0-9a-f]{32}$/);
    await expectTmpDirEmptied();
  });

  it('leaves alone the files the route has stored, and removes the rest', async () => {
    const response = await request(app)
      .post('/store-first')
      .attach('evidence', fixture('sample.docx'))
      .attach('evidence', fixture('sample.jpg'))
      .expect(200);

    const { storedName } = response.body as { storedName: string };
    const stored = readFileSync(storedPath(uploadDir, storedName));
    expect(stored.equals(readFileSync(fixture('sample.docx')))).to.equal(true);
    await expectTmpDirEmptied();
  });

  it('names the file and the limit when a file is too large, keeping the fields sent before it', async () => {
    const response = await request(app)
      .post('/echo?maxFileBytes=2048')
      .field('title', 'Our reading garden')
      .attach('evidence', fixture('sample.pdf'))
      .attach('evidence', fixture('sample.doc'), 'Budget 2024.doc')
      .expect(200);

    const echo = response.body as Echo;
    expect(echo.problem).to.equal('“Budget 2024.doc” is larger than the 2 KB limit for one file.');
    expect(echo.files).to.deep.equal([]);
    expect(echo.body).to.deep.equal({ title: 'Our reading garden' });
    expect(echo.tempFilesAtHandler).to.deep.equal([]);
  });

  it('accepts a file exactly at the limit', async () => {
    const size = readFileSync(fixture('sample.pdf')).length;
    const response = await request(app)
      .post(`/echo?maxFileBytes=${size}`)
      .attach('evidence', fixture('sample.pdf'))
      .expect(200);
    expect((response.body as Echo).problem).to.equal(null);
    expect((response.body as Echo).files).to.have.length(1);
  });

  it('refuses more files than allowed and removes those already written', async () => {
    const response = await request(app)
      .post('/echo?maxFiles=2')
      .field('title', 'Photos')
      .attach('evidence', fixture('sample.png'))
      .attach('evidence', fixture('sample.jpg'))
      .attach('evidence', fixture('sample.pdf'))
      .expect(200);

    const echo = response.body as Echo;
    expect(echo.problem).to.equal('You can upload at most 2 files at once.');
    expect(echo.files).to.deep.equal([]);
    expect(echo.body).to.deep.equal({ title: 'Photos' });
    expect(echo.tempFilesAtHandler).to.deep.equal([]);
  });

  it('says "1 file" when one is the limit', async () => {
    const response = await request(app)
      .post('/echo?maxFiles=1')
      .attach('evidence', fixture('sample.png'))
      .attach('evidence', fixture('sample.jpg'))
      .expect(200);
    expect((response.body as Echo).problem).to.equal('You can upload at most 1 file at once.');
  });

  it('ignores a file input left empty, as browsers send it, and does not count it', async () => {
    const boundary = '----LaurelTestBoundary';
    const part = (headers: string, content: Buffer | string) =>
      Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="title"', 'Nothing chosen in the first input'),
      part(
        'Content-Disposition: form-data; name="evidence"; filename=""\r\nContent-Type: application/octet-stream',
        '',
      ),
      part(
        'Content-Disposition: form-data; name="evidence"; filename="sample.pdf"\r\nContent-Type: application/pdf',
        readFileSync(fixture('sample.pdf')),
      ),
      part(
        'Content-Disposition: form-data; name="evidence"; filename=""\r\nContent-Type: application/octet-stream',
        '',
      ),
      Buffer.from(`--${boundary}--\r\n`),
    ]);

    const response = await request(app)
      .post('/echo?maxFiles=1')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body)
      .expect(200);

    const echo = response.body as Echo;
    expect(echo.problem).to.equal(null);
    expect(echo.body).to.deep.equal({ title: 'Nothing chosen in the first input' });
    expect(echo.files.map((file) => file.originalName)).to.deep.equal(['sample.pdf']);
  });

  it('refuses a file sent in another field', async () => {
    const response = await request(app)
      .post('/echo')
      .field('title', 'x')
      .attach('evidence', fixture('sample.pdf'))
      .attach('avatar', fixture('sample.png'))
      .expect(200);

    const echo = response.body as Echo;
    expect(echo.problem).to.equal(
      'The form sent a file where none was expected. Please reload the page and try again.',
    );
    expect(echo.files).to.deep.equal([]);
    expect(echo.tempFilesAtHandler).to.deep.equal([]);
  });

  it('refuses a form with too many fields or too long an answer', async () => {
    let tooMany = request(app).post('/echo');
    for (let i = 0; i < 101; i += 1) tooMany = tooMany.field(`f${i}`, 'x');
    expect(((await tooMany.expect(200)).body as Echo).problem).to.equal(
      'The form sent too many fields at once. Please reload the page and try again.',
    );

    const tooLong = await request(app)
      .post('/echo')
      .field('answer', 'x'.repeat(200 * 1024 + 1))
      .expect(200);
    expect((tooLong.body as Echo).problem).to.equal('One of the answers is longer than 200 KB. Please shorten it.');
  });

  it('passes a form without files through, with no files', async () => {
    const response = await request(app).post('/echo').type('form').send({ title: 'Plain form' }).expect(200);
    expect(response.body).to.deep.equal({
      problem: null,
      files: [],
      body: { title: 'Plain form' },
      tempFilesAtHandler: [],
    });
  });

  it('sends failures of the server, not of the upload, to the error handler', async () => {
    writeFileSync(path.join(dir, 'not-a-directory'), '');
    const broken = buildApp({ tmpDir: path.join(dir, 'not-a-directory', 'tmp'), uploadDir });
    const response = await request(broken).post('/echo').attach('evidence', fixture('sample.pdf')).expect(500);
    expect((response.body as { error: string }).error).to.match(/ENOTDIR/);

    const failingLimits = buildApp({
      tmpDir,
      uploadDir,
      limits: () => Promise.reject(new Error('the cycle could not be loaded')),
    });
    const limitsResponse = await request(failingLimits)
      .post('/echo')
      .attach('evidence', fixture('sample.pdf'))
      .expect(500);
    expect(limitsResponse.body).to.deep.equal({ error: 'the cycle could not be loaded' });
  });

  describe('a file refused while the browser is still sending', () => {
    /** Starts a chunked multipart upload of a too-large file, sends `bytes`, and returns the socket and when it was answered. */
    async function sendChunked(app: express.Express, { bytes, end }: { bytes: number; end: boolean }) {
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const boundary = 'b0undary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
      const chunk = (data: string | Buffer) => `${Buffer.byteLength(data).toString(16)}\r\n${data.toString()}\r\n`;
      socket.write(
        `POST /echo?maxFileBytes=1024 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
          'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
          chunk(head),
      );
      for (let sent = 0; sent < bytes; sent += 4096) socket.write(chunk('x'.repeat(Math.min(4096, bytes - sent))));
      if (end) socket.write(chunk(`\r\n--${boundary}--\r\n`) + '0\r\n\r\n');
      const started = Date.now();
      let response = '';
      socket.on('data', (data: Buffer) => (response += data.toString()));
      await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      socket.destroy();
      server.close();
      return { response, waitedMs: Date.now() - started };
    }

    it('reads the rest of the body, then answers with the message rather than a reset connection', async () => {
      const { response } = await sendChunked(buildApp({ tmpDir, uploadDir }), { bytes: 64 * 1024, end: true });
      expect(response).to.match(/^HTTP\/1\.1 200/);
      expect(response).to.contain('larger than the 1 KB limit');
      await expectTmpDirEmptied();
    });

    it('does not wait, when the server fails before reading, for a chunked body past its byte cap or one that stalls', async () => {
      const failing = (drain: { maxBytes: number; maxMs: number }) =>
        buildApp({
          tmpDir,
          uploadDir,
          drain,
          limits: () => Promise.reject(new Error('the cycle could not be loaded')),
        });
      const capped = await sendChunked(failing({ maxBytes: 16 * 1024, maxMs: 60_000 }), {
        bytes: 256 * 1024,
        end: false,
      });
      expect(capped.response).to.match(/^HTTP\/1\.1 500/);
      expect(capped.waitedMs).to.be.below(4000);
      const stalled = await sendChunked(failing({ maxBytes: 1024 * 1024, maxMs: 300 }), {
        bytes: 8 * 1024,
        end: false,
      });
      expect(stalled.response).to.match(/^HTTP\/1\.1 500/);
      expect(stalled.waitedMs).to.be.below(4000);
    });
  });
});

/** A tiny app whose limits come from the query string, as a route's would come from the cycle. */
function buildApp(options: {
  tmpDir: string;
  uploadDir: string;
  limits?: (req: Request) => Promise<UploadLimits> | UploadLimits;
  drain?: { maxBytes?: number; maxMs?: number };
}): express.Express {
  const { tmpDir, uploadDir } = options;
  const limits =
    options.limits ??
    (async (req: Request) => ({
      maxFileBytes: Number(req.query.maxFileBytes ?? 1024 * 1024),
      maxFiles: Number(req.query.maxFiles ?? 5),
    }));
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const upload = receiveFiles({ tmpDir, fieldName: 'evidence', limits, drain: options.drain });

  app.post('/echo', upload, (req: Request, res: Response) => {
    const echo: Echo = {
      problem: req.uploadProblem === undefined ? null : textIn('en', req.uploadProblem),
      files: req.uploadedFiles.map((file) => ({
        originalName: file.originalName,
        size: file.size,
        inTmpDir: path.dirname(file.path) === tmpDir,
        sha256: sha256Of(readFileSync(file.path)),
      })),
      body: { ...(req.body as Record<string, unknown>) },
      tempFilesAtHandler: existsSync(tmpDir) ? readdirSync(tmpDir) : [],
    };
    res.json(echo);
  });

  app.post('/store-first', upload, async (req: Request, res: Response) => {
    const [first] = req.uploadedFiles;
    const { storedName } = await new DiskStore(uploadDir).put(first!.path);
    res.json({ storedName });
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  return app;
}
