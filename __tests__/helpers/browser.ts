// Where the browser tests find a Chromium: an explicit path first, then the usual program names on
// PATH (Debian's `chromium`, the `chromium-headless-shell` package, Chrome), then the macOS apps.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Our own override: when set it must exist (a typo must not turn into a silent skip). */
export const OWN_OVERRIDE = 'CHROMIUM_PATH';
/** Other tools' conventions (Karma, Puppeteer, chrome-launcher), taken when they name a program. */
const OTHER_OVERRIDES = ['CHROME_PATH', 'CHROME_BIN', 'PUPPETEER_EXECUTABLE_PATH'];
const NAMES = ['chromium', 'chromium-browser', 'chromium-headless-shell', 'chrome-headless-shell', 'google-chrome', 'google-chrome-stable'];
const MAC_APPS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export type BrowserLookup = { path: string } | { missing: string };

/** `apps`: the macOS application bundles to try last (tests pass none, to be independent of the machine). */
export function findChromium(env: NodeJS.ProcessEnv = process.env, apps: readonly string[] = MAC_APPS): BrowserLookup {
  const own = env[OWN_OVERRIDE];
  if (own) return executable(own) ? { path: own } : { missing: `${OWN_OVERRIDE}=${own} is not an executable file` };
  for (const name of OTHER_OVERRIDES) {
    const file = env[name];
    if (file && executable(file)) return { path: file };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (executable(file)) return { path: file };
    }
  }
  const app = apps.find(executable);
  if (app) return { path: app };
  return { missing: `no Chromium found (looked for ${NAMES.join(', ')} on PATH); set ${OWN_OVERRIDE} or install the chromium package` };
}
