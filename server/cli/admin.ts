// npm run admin -- create --email E --password P --name N
// Creates an administrator, or promotes an existing account and sets its password.
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { Invalid } from '../errors.js';
import { textIn } from '../i18n/translate.js';
import { createOrPromoteAdmin } from '../services/accounts/accounts.js';

const USAGE = `Usage: npm run admin -- create --email EMAIL --password PASSWORD --name "FULL NAME"`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const { email, password, name } = parsed.values;
  if (command !== 'create' || !email || !password || !name) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const result = await createOrPromoteAdmin(database.db, { email, password, name }, systemClock);
    console.log(
      result.created
        ? `Created administrator ${email.trim().toLowerCase()}.`
        : `${email.trim().toLowerCase()} already had an account: it is now an administrator, with the new password.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Invalid) {
      for (const [field, message] of Object.entries(error.fieldErrors))
        console.error(`--${field}: ${textIn('en', message)}`);
    } else if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(error.message);
    } else {
      console.error('The admin command failed:', error);
    }
    process.exit(1);
  },
);
