// Mocha root hooks: close the shared PGlite template so the process exits on its own.
import { closeTemplate } from './database.js';

export const mochaHooks = {
  async afterAll() {
    await closeTemplate();
  },
};
