// What receiveFiles does when writing a temp file fails: a full disk is told to the person in
// plain words (and logged at error level), any other failure of ours is a 500, and either way
// no temp file stays. The failures are played by the temp-file opener receiveFiles takes.
import { expect } from 'chai';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { DISK_FULL_MESSAGE, receiveFiles, type OpenTempFile } from '../../../server/middleware/upload.js';
import { textIn } from '../../../server/i18n/translate.js';
import { fixture } from '../../helpers/applicant.js';

function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall}`), { code, syscall, errno: -28 });
}

/** A disk that takes `room` bytes of a temp file (really writing them), then fails as told. */
function failingDisk(room: number, failure: () => Error): OpenTempFile {
  return (filePath) => {
    const real = createWriteStream(filePath, { flags: 'wx', mode: 0o600 });
    let taken = 0;
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        taken += chunk.length;
        if (taken > room) return callback(failure());
        real.write(chunk, callback);
      },
      final(callback) {
        real.end(callback);
      },
      destroy(error, callback) {
        if (real.closed) return callback(error);
        real.once('close', () => callback(error));
        real.destroy();
      },
    });
  };
}

describe('receiveFiles when the temp file cannot be written', () => {
  let dir: string;
  let tmpDir: string;
  let logged: Array<{ level: number; msg: string; err?: { code?: string } }>;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-upload-failures-'));
    tmpDir = path.join(dir, 'tmp');
    logged = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function appWith(openTempFile: OpenTempFile) {
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) },
    );
    const app = express();
    app.use((req, _res, next) => {
      req.log = logger;
      next();
    });
    app.post(
      '/upload',
      receiveFiles({
        tmpDir,
        fieldName: 'files',
        limits: () => ({ maxFileBytes: 10 * 1024 * 1024, maxFiles: 5 }),
        openTempFile,
      }),
      (req: Request, res: Response) => {
        const problem = req.uploadProblem === undefined ? null : textIn('en', req.uploadProblem);
        res.json({ problem, files: req.uploadedFiles.length, body: req.body as unknown });
      },
    );
    app.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(error.status ?? 500).json({ error: error.message, code: (error as { code?: string }).code ?? null });
    });
    return app;
  }

  const tempFilesLeft = () => (existsSync(tmpDir) ? readdirSync(tmpDir) : []);

  it('says in plain words that the disk is full, keeps the fields, and logs it at error level', async () => {
    const app = appWith(failingDisk(200, () => systemError('ENOSPC', 'write')));
    const response = await request(app)
      .post('/upload')
      .field('answer', 'Our garden')
      .attach('files', fixture('sample.pdf'))
      .expect(200);
    const diskFull = 'The portal’s disk is full, so your files could not be saved. Please try again later.';
    expect(response.body).to.deep.equal({ problem: diskFull, files: 0, body: { answer: 'Our garden' } });
    expect(textIn('es', DISK_FULL_MESSAGE)).to.equal(
      'El disco del portal está lleno, así que no se pudieron guardar sus archivos. Vuelva a intentarlo más tarde.',
    );
    const errors = logged.filter((line) => line.level >= 50);
    expect(errors.map((line) => [line.msg, line.err?.code])).to.deep.equal([
      ['upload refused: the disk is full', 'ENOSPC'],
    ]);
    expect(tempFilesLeft()).to.deep.equal([]);
  });

  it('treats a quota as a full disk too', async () => {
    const app = appWith(failingDisk(0, () => systemError('EDQUOT', 'write')));
    const response = await request(app).post('/upload').attach('files', fixture('sample.png')).expect(200);
    expect((response.body as { problem: string }).problem).to.equal(textIn('en', DISK_FULL_MESSAGE));
  });

  it('sends any other failure to write to the error handler: it is ours, not the sender’s', async () => {
    const eio = await request(appWith(failingDisk(512, () => systemError('EIO', 'write'))))
      .post('/upload')
      .attach('files', fixture('sample.pdf'))
      .expect(500);
    expect(eio.body).to.include({ code: 'EIO' });

    // A plain Error from the writer looks like busboy's own; only where it started tells them apart.
    const plain = await request(appWith(failingDisk(0, () => new Error('the storage went away'))))
      .post('/upload')
      .attach('files', fixture('sample.pdf'))
      .expect(500);
    expect(plain.body).to.deep.equal({ error: 'the storage went away', code: null });

    const cannotOpen = await request(
      appWith(() => {
        throw systemError('EACCES', 'open');
      }),
    )
      .post('/upload')
      .attach('files', fixture('sample.pdf'))
      .expect(500);
    expect(cannotOpen.body).to.include({ code: 'EACCES' });
    expect(tempFilesLeft()).to.deep.equal([]);
    expect(logged.filter((line) => line.level >= 50)).to.deep.equal([]);
  });

  it('refuses a multipart body without a boundary as malformed, before reading it', async () => {
    const response = await request(appWith(failingDisk(0, () => new Error('never written'))))
      .post('/upload')
      .set('Content-Type', 'multipart/form-data; boundary=')
      .send('--\r\n')
      .expect(400);
    expect(response.body).to.deep.equal({ error: 'The upload was cut off or could not be read.', code: null });
  });
});
