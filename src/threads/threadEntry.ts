/**
 * A worker thread's code is the compiled `.js` beside the module that starts it. When the tests
 * run the TypeScript sources, the same file is taken from the build (`npm test` builds first).
 */
export function threadEntry(moduleUrl: string, file: string): URL {
  const here = new URL(moduleUrl);
  if (!here.pathname.endsWith('.ts')) return new URL(`./${file}`, here);
  const fromRoot = here.pathname.slice(here.pathname.lastIndexOf('/src/') + 1);
  const root = new URL(here.pathname.slice(0, here.pathname.lastIndexOf('/src/') + 1), here);
  return new URL(`dist/${fromRoot.slice(0, fromRoot.lastIndexOf('/') + 1)}${file}`, root);
}
