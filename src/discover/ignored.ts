/**
 * What discovery leaves out by default (the README lists both).
 *
 * Folders never scanned: version control and known cache/output folders of
 * tools. Other dot-folders ship code (`.storybook/`, `.vitepress/`,
 * `.docusaurus` excepted) and are scanned.
 *
 * Committed build output (Semgrep's default ignore): `dist/`, `build/`,
 * `out/`, `vendor/` at any depth, and a Cordova platform folder
 * (`platforms/android/`, with its `cordova/Api.js` or `platform_www/cordova.js`):
 * `cordova prepare` copies the app's `www` and every plugin's native bridge
 * there, so its files are generated copies of the app's and plugins' code;
 * unless a config `include` names the folder.
 */
export const NEVER_SCANNED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.angular',
  '.expo',
  '.docusaurus',
  '.vercel',
  '.netlify',
  '.cache',
  '.parcel-cache',
  '.turbo',
  '.nx',
  '.yarn',
  '.pnpm-store',
  '.consent-lint-cache',
]);

export const BUILD_OUTPUT_DIRS: readonly string[] = ['dist', 'build', 'out', 'vendor'];

/**
 * The build-output folder a root-relative path lies in (its first such
 * segment, e.g. `packages/web/dist`), unless `include` names that folder
 * name as a path segment (`dist/**`, `packages/*\/build/**`).
 */
/** A directory segment named like a build-output folder somewhere in a path (the common case: none). */
const BUILD_OUTPUT_SEGMENT = new RegExp(`(?:^|/)(?:${BUILD_OUTPUT_DIRS.join('|')})/`);

export function buildOutputDir(relPath: string, include: readonly string[] | undefined): string | undefined {
  if (!BUILD_OUTPUT_SEGMENT.test(relPath)) return undefined;
  const segs = relPath.split('/');
  for (let i = 0; i < segs.length - 1; i++) {
    if (!BUILD_OUTPUT_DIRS.includes(segs[i])) continue;
    if (include?.some((g) => g.split('/').includes(segs[i]))) continue;
    return segs.slice(0, i + 1).join('/');
  }
  return undefined;
}

/** A file only `cordova platform add` writes: its folder is a generated Cordova platform. */
const CORDOVA_PLATFORM_MARK = /^((?:.*\/)?platforms\/[^/]+)\/(?:cordova\/Api\.js|platform_www\/cordova\.js)$/;

/** The generated Cordova platform folders among the listed paths (`platforms/android`). */
export function cordovaPlatformDirs(listed: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of listed) {
    const m = CORDOVA_PLATFORM_MARK.exec(p);
    if (m) out.add(m[1]);
  }
  return [...out];
}

/** The generated Cordova platform folder a path lies in, unless `include` names the `platforms` folder. */
export function cordovaPlatformDir(
  relPath: string,
  dirs: readonly string[],
  include: readonly string[] | undefined,
): string | undefined {
  const dir = dirs.find((d) => relPath.startsWith(`${d}/`));
  if (!dir || include?.some((g) => g.split('/').includes('platforms'))) return undefined;
  return dir;
}
