// Builds the console into console/dist: static files the controller serves at `/` on its HTTP
// listener. Workspace packages resolve to their TypeScript sources (the `hostplane-source`
// condition), so the console shares the property catalogue and the generated messages' proto3
// JSON with the controller and the CLI.
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { conditions: ['hostplane-source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything is a file of its own: the controller's Content-Security-Policy allows no inline code.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { '/hostplane.v1.Admin': process.env.HOSTPLANE_HTTP ?? 'http://127.0.0.1:8080' } },
});
