// Where the project's own files are, whether the code runs from TypeScript sources (tsx, tests)
// or from the compiled dist/ folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'server', 'public');
export const migrationsDir = path.join(projectRoot, 'models', 'migrations');
