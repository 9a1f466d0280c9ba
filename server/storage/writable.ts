// Whether evidence can be stored: a small file is written to the upload folder and removed.
import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function storageWritable(uploadDir: string): Promise<void> {
  const dir = path.join(uploadDir, 'tmp');
  await mkdir(dir, { recursive: true });
  const probe = path.join(dir, `readyz-${randomBytes(8).toString('hex')}`);
  await writeFile(probe, 'ok');
  await unlink(probe);
}
