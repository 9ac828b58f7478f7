// Mocha root hooks: whatever the support modules opened for the run is closed at its end.
import { closeAllDatabases } from './databases';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    await closeAllDatabases();
  },
};
