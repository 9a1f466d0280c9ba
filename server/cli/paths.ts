// npm runs scripts from the project folder; a path typed on the command line is meant from the
// folder the person typed it in, which npm passes as INIT_CWD.
import path from 'node:path';

export function fromCallerFolder(given: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
}
