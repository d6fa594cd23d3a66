import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under this condition (see tsconfig.json).
const conditions = ['hostplane-source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    server: { deps: { inline: [/@hostplane\//] } },
  },
});
