import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UploadRefused, formatBytes, inspectUpload, sizeText } from '../../../server/storage/evidence-files.js';
import { textIn } from '../../../server/i18n/translate.js';
import { DiskStore, storedPath } from '../../../server/storage/disk-store.js';
import { projectRoot } from '../../../server/paths.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures');
const ACCEPTED = 'Please upload a PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG file.';

/** Inspects a fixture as if the browser had sent it under `originalName`. */
function inspectFixture(fixture: string, originalName = fixture) {
  const file = path.join(FIXTURES, fixture);
  return inspectUpload({ path: file, originalName, size: statSync(file).size });
}

/** The UploadRefused message for a fixture; fails the test if it is accepted. */
async function refusalOf(fixture: string, originalName = fixture): Promise<string> {
  try {
    await inspectFixture(fixture, originalName);
  } catch (error) {
    expect(error).to.be.instanceOf(UploadRefused);
    return (error as UploadRefused).message;
  }
  expect.fail(`${fixture} was accepted as ${originalName}`);
}

describe('inspectUpload', () => {
  const accepted = [
    ['sample.pdf', 'pdf', 'application/pdf'],
    ['sample.png', 'png', 'image/png'],
    ['sample.jpg', 'jpeg', 'image/jpeg'],
    ['sample.docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['sample.xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['sample.doc', 'doc', 'application/msword'],
    ['sample.xls', 'xls', 'application/vnd.ms-excel'],
  ] as const;
  for (const [fixture, kind, contentType] of accepted) {
    it(`accepts ${fixture} as ${kind}`, async () => {
      expect(await inspectFixture(fixture)).to.deep.equal({ kind, contentType, safeName: fixture });
    });
  }

  it('decides the type from the bytes, whatever the name says', async () => {
    expect(await inspectFixture('sample.png', 'report.pdf')).to.deep.equal({
      kind: 'png',
      contentType: 'image/png',
      safeName: 'report.pdf.png',
    });
    expect(await inspectFixture('sample.pdf', 'scan')).to.include({ kind: 'pdf', safeName: 'scan.pdf' });
    expect(await inspectFixture('sample.docx', 'minutes.doc')).to.include({
      kind: 'docx',
      safeName: 'minutes.doc.docx',
    });
  });

  it('keeps the name of a JPEG that ends in .jpg, .jpeg or .JPG', async () => {
    expect((await inspectFixture('sample.jpg', 'photo.jpeg')).safeName).to.equal('photo.jpeg');
    expect((await inspectFixture('sample.jpg', 'IMG_0042.JPG')).safeName).to.equal('IMG_0042.JPG');
    expect((await inspectFixture('sample.jpg', 'photo.png')).safeName).to.equal('photo.png.jpg');
  });

  it('tells an old Word file from an old Excel file by its name, and refuses any other name', async () => {
    expect(await inspectFixture('sample.doc', 'Budget.XLS')).to.include({ kind: 'xls', safeName: 'Budget.XLS' });
    expect(await inspectFixture('sample.xls', 'letter.doc')).to.include({ kind: 'doc', safeName: 'letter.doc' });
    expect(await refusalOf('sample.doc', 'slides.ppt')).to.equal(
      '“slides.ppt” looks like an older Microsoft Office file, but its name does not end in .doc or .xls, ' +
        'so we cannot tell what it is. Please upload a PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG file.',
    );
  });

  it('refuses an empty file', async () => {
    expect(await refusalOf('empty.pdf')).to.equal('“empty.pdf” is empty. Please check the file and choose it again.');
  });

  it('says what a refused file really is and what it claimed to be', async () => {
    expect(await refusalOf('fake.pdf')).to.equal(`“fake.pdf” looks like plain text, not a PDF. ${ACCEPTED}`);
    expect(await refusalOf('html-as.png')).to.equal(
      `“html-as.png” looks like an HTML page, not a PNG image. ${ACCEPTED}`,
    );
    expect(await refusalOf('exe-as.docx')).to.equal(
      `“exe-as.docx” looks like a Windows program, not a Word document. ${ACCEPTED}`,
    );
    expect(await refusalOf('exe-as.docx', 'setup')).to.equal(`“setup” looks like a Windows program. ${ACCEPTED}`);
  });

  it('gives the person the refusal in their language', async () => {
    try {
      await inspectFixture('fake.pdf');
      expect.fail('accepted');
    } catch (error) {
      expect(error).to.be.instanceOf(UploadRefused);
      const { text } = error as UploadRefused;
      expect(textIn('en', text)).to.equal(`“fake.pdf” looks like plain text, not a PDF. ${ACCEPTED}`);
      expect(textIn('es', text)).to.equal(
        '“fake.pdf” parece ser texto sin formato, no un PDF. ' +
          'Suba un archivo PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG o JPEG.',
      );
    }
  });

  it('refuses a zip that is not a Word or Excel document', async () => {
    expect(await refusalOf('not-really.docx')).to.equal(
      '“not-really.docx” is a zip archive, not a Word document. ' +
        'Please upload the files inside it one by one, as a PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG file.',
    );
    expect(await refusalOf('not-really.docx', 'photos.zip')).to.match(
      /^“photos\.zip” is a zip archive, not a Word or Excel document\./,
    );
  });

  describe('with files of its own', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'laurel-inspect-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('says when it cannot recognise a binary file', async () => {
      const file = path.join(dir, 'upload');
      writeFileSync(file, Buffer.from([0x13, 0x37, 0x00, 0x01, 0x02, 0xfe, 0x80, 0x7f]));
      try {
        await inspectUpload({ path: file, originalName: 'data.bin', size: 8 });
        expect.fail('accepted');
      } catch (error) {
        expect(error).to.be.instanceOf(UploadRefused);
        expect((error as Error).message).to.equal(`We could not recognise the type of “data.bin”. ${ACCEPTED}`);
      }
    });

    it('describes an HTML page saved with a byte-order mark and leading blank lines', async () => {
      const file = path.join(dir, 'upload');
      writeFileSync(file, '\uFEFF\n\n  <HTML><body>Hello</body></HTML>');
      const refusal = inspectUpload({ path: file, originalName: 'scan.jpg', size: statSync(file).size });
      await expectRefusal(refusal, `“scan.jpg” looks like an HTML page, not a JPEG image. ${ACCEPTED}`);
    });
  });
});

async function expectRefusal(promise: Promise<unknown>, message: string) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(UploadRefused);
    expect((error as Error).message).to.equal(message);
    return;
  }
  expect.fail('the upload was accepted');
}

describe('safeName', () => {
  const safeNameOf = async (originalName: string, fixture = 'sample.pdf') =>
    (await inspectFixture(fixture, originalName)).safeName;

  it('keeps only the last part of a path, with either kind of slash', async () => {
    expect(await safeNameOf('..\\..\\x.pdf')).to.equal('x.pdf');
    expect(await safeNameOf('../../etc/passwd')).to.equal('passwd.pdf');
    expect(await safeNameOf('C:\\Users\\Ms Diaz\\Desktop\\Annual report.pdf')).to.equal('Annual report.pdf');
  });

  it('removes control and direction-changing characters, and the dots and spaces at the ends', async () => {
    expect(await safeNameOf('re\u0000po\u001brt\n\r.pdf')).to.equal('report.pdf');
    expect(await safeNameOf('evil\u202Efdp.png', 'sample.png')).to.equal('evilfdp.png');
    expect(await safeNameOf('  ..hidden.pdf  ')).to.equal('hidden.pdf');
    expect(await safeNameOf('..')).to.equal('evidence.pdf');
    expect(await safeNameOf('')).to.equal('evidence.pdf');
  });

  it('keeps accents and other scripts, composed', async () => {
    expect(await safeNameOf('E\u0301cole Sainte-Thérèse — 学校.pdf')).to.equal('École Sainte-Thérèse — 学校.pdf');
  });

  it('cuts long names to 200 characters and keeps the extension', async () => {
    const kept = await safeNameOf(`${'a'.repeat(300)}.pdf`);
    expect(kept).to.equal(`${'a'.repeat(196)}.pdf`);
    const added = await safeNameOf(`${'b'.repeat(300)}.pdf`, 'sample.png');
    expect(added).to.equal(`${'b'.repeat(196)}.png`);
    const emoji = await safeNameOf(`${'😀'.repeat(250)}.pdf`);
    expect(Array.from(emoji)).to.have.length(200);
    expect(emoji).to.equal(`${'😀'.repeat(196)}.pdf`);
  });
});

describe('DiskStore.put', () => {
  let dir: string;
  let uploadDir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'laurel-store-'));
    uploadDir = path.join(dir, 'uploads');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function tempCopyOf(fixture: string, into = dir): string {
    const temp = path.join(into, `upload-${Math.random().toString(16).slice(2)}`);
    copyFileSync(path.join(FIXTURES, fixture), temp);
    return temp;
  }

  function sha256sum(file: string): string {
    return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!;
  }

  it('moves the file under a random name, readable by the server alone, and hashes it', async () => {
    const temp = tempCopyOf('sample.xlsx');
    const expectedHash = sha256sum(temp);
    const stored = await new DiskStore(uploadDir).put(temp);

    expect(stored.storedName).to.match(/^([0-9a-f]{2})\/\1[0-9a-f]{30}$/);
    expect(stored.sha256).to.equal(expectedHash);
    expect(stored.sizeBytes).to.equal(statSync(path.join(FIXTURES, 'sample.xlsx')).size);

    const where = storedPath(uploadDir, stored.storedName);
    expect(where).to.equal(path.join(uploadDir, ...stored.storedName.split('/')));
    expect(path.relative(uploadDir, where)).to.not.match(/^\.\./);
    expect(statSync(where).mode & 0o777).to.equal(0o600);
    expect(readFileSync(where).equals(readFileSync(path.join(FIXTURES, 'sample.xlsx')))).to.equal(true);
    expect(existsSync(temp)).to.equal(false);
  });

  it('gives each file its own name', async () => {
    const first = await new DiskStore(uploadDir).put(tempCopyOf('sample.pdf'));
    const second = await new DiskStore(uploadDir).put(tempCopyOf('sample.pdf'));
    expect(first.storedName).to.not.equal(second.storedName);
    expect(first.sha256).to.equal(second.sha256);
  });

  it('copies the file when the temp directory is on another file system', async function () {
    const otherDevice = '/dev/shm';
    if (!existsSync(otherDevice) || statSync(otherDevice).dev === statSync(dir).dev) this.skip();
    const tempDir = mkdtempSync(path.join(otherDevice, 'laurel-store-'));
    try {
      const temp = tempCopyOf('sample.jpg', tempDir);
      const expectedHash = sha256sum(temp);
      const stored = await new DiskStore(uploadDir).put(temp);
      const where = storedPath(uploadDir, stored.storedName);
      expect(stored.sha256).to.equal(expectedHash);
      expect(sha256sum(where)).to.equal(expectedHash);
      expect(statSync(where).mode & 0o777).to.equal(0o600);
      expect(existsSync(temp)).to.equal(false);
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it('deletes a stored file, and does not mind when it is already gone', async () => {
    const { storedName } = await new DiskStore(uploadDir).put(tempCopyOf('sample.pdf'));
    await new DiskStore(uploadDir).remove(storedName);
    expect(existsSync(storedPath(uploadDir, storedName))).to.equal(false);
    await new DiskStore(uploadDir).remove(storedName);
  });
});

describe('storedPath', () => {
  const uploadDir = '/srv/laurel/uploads';
  const name = `ab/ab${'0123456789abcdef'.repeat(2).slice(0, 30)}`;

  it('finds a stored name under the upload directory', () => {
    expect(storedPath(uploadDir, name)).to.equal(`${uploadDir}/${name}`);
  });

  const refused = [
    '',
    '../../etc/passwd',
    '/etc/passwd',
    `ab/../../${name}`,
    `../${name}`,
    `${name}/..`,
    `ab\\${name.slice(3)}`,
    `cd/${name.slice(3)}`,
    name.toUpperCase(),
    `${name}\n`,
    `${name}0`,
    name.slice(0, -1),
    `./${name}`,
  ];
  for (const storedName of refused) {
    it(`refuses ${JSON.stringify(storedName)}`, () => {
      expect(() => storedPath(uploadDir, storedName)).to.throw(/Not a stored evidence file name/);
    });
  }

  it('is checked before anything is deleted', async () => {
    let error: unknown;
    await new DiskStore(uploadDir).remove('../../etc/passwd').catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(Error);
  });
});

describe('formatBytes', () => {
  const cases: Array<[number, string]> = [
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [512 * 1024, '512 KB'],
    [1024 * 1024 - 1, '1 MB'],
    [20 * 1024 * 1024, '20 MB'],
    [100 * 1024 * 1024, '100 MB'],
    [2.5 * 1024 ** 3, '2.5 GB'],
  ];
  for (const [bytes, text] of cases) {
    it(`writes ${bytes} as ${text}`, () => expect(formatBytes(bytes)).to.equal(text));
  }
});

describe('sizeText', () => {
  const cases: Array<[number, string, string]> = [
    [1, '1 byte', '1 byte'],
    [500, '500 bytes', '500 bytes'],
    [1536, '1.5 KB', '1,5 KB'],
    [1.5 * 1024 * 1024, '1.5 MB', '1,5 MB'],
    [20 * 1024 * 1024, '20 MB', '20 MB'],
    [2.5 * 1024 ** 3, '2.5 GB', '2,5 GB'],
  ];
  for (const [bytes, english, spanish] of cases) {
    it(`writes ${bytes} as ${english} in English and ${spanish} in Spanish`, () => {
      expect(textIn('en', sizeText(bytes))).to.equal(english);
      expect(textIn('es', sizeText(bytes))).to.equal(spanish);
    });
  }
});
