/**
 * `consent-lint init [DIR]`: write a starter `consent-lint.config.json`.
 *
 * Detection is text only (package.json dependencies, import/require
 * specifiers, global names): nothing from the repository is executed or
 * imported.
 *
 * - SDKs and CMP guard packs: a built-in policy is "detected" when one of the
 *   modules or globals it names (sink receivers, dispatchers, guard origins)
 *   or a host of its script URLs appears: the policies are the only catalogue.
 *   Zero config already applies every built-in policy, so the starter config
 *   does not list `policies` (listing them would only switch others off).
 * - App guards: calls of functions whose name mentions consent with a
 *   purpose-like string literal argument (`hasConsent('marketing')`) become
 *   `{ "function": "hasConsent", "purposeArgument": 0 }` (restricted to the
 *   defining module when it is unique), with `purposeAliases` for CMP names
 *   such as `statistics`. These are suggestions: consent-lint trusts guards,
 *   so review them.
 */
import { escapeRegExp } from '../program/text.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import type { ConfigGuard, Origin, Policy } from '../model.js';
import { builtinPolicyIds, CONFIG_FILE_NAME, ConfigError, resolvePolicies, validateDocument } from '../policy/index.js';
import { packageName } from '../program/index.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';
import type { CliIO } from './io.js';

export interface InitFlags {
  dir?: string;
  force?: boolean;
}

const DEFAULT_SCHEMA = './node_modules/consent-lint/schemas/config.schema.json';
const MAX_FILES = 20_000;
const MAX_BYTES = 1024 * 1024;

/** CMP / app purpose names -> consent-lint purposes. */
const PURPOSE_NAMES: Record<string, string> = {
  analytics: 'analytics',
  statistics: 'analytics',
  stats: 'analytics',
  performance: 'analytics',
  measurement: 'analytics',
  marketing: 'marketing',
  advertising: 'advertising',
  ads: 'advertising',
  ad: 'advertising',
  targeting: 'advertising',
  personalization: 'marketing',
  personalisation: 'marketing',
  tracking: 'tracking-authorization',
  push: 'marketing',
};

interface Detection {
  sdkPolicies: string[];
  guardPacks: string[];
  cmps: string[];
  guards: ConfigGuard[];
  purposeAliases: Record<string, string>;
  filesSearched: number;
}

/**
 * What makes a policy "seen" in a repository, from the policy data alone (one
 * catalogue for SDKs and CMPs): the modules and globals its sinks, dispatchers
 * and guards name, and the hosts of the script URLs it lists.
 */
function origins(p: Policy): Origin[] {
  const list: Origin[] = [];
  for (const r of p.rules) for (const s of r.sinks) list.push(...s.receivers);
  for (const d of p.dispatchers ?? []) list.push(...d.receivers);
  for (const g of p.guards) if ('module' in g.from || 'global' in g.from) list.push(g.from as Origin);
  // A platform global a guard starts from (`addEventListener('ucEvent', …)`) names no vendor.
  return list.filter((o) => !('global' in o && PLATFORM_GLOBALS.has(o.global)));
}

const PLATFORM_GLOBALS = new Set([
  'addEventListener',
  'window',
  'document',
  'localStorage',
  'sessionStorage',
  'globalThis',
  'self',
]);

function scriptHosts(p: Policy): string[] {
  return p.rules
    .flatMap((r) => r.scripts ?? [])
    .map((u) => /^(?:https?:)?\/\/([^/*?]+)/.exec(u)?.[1])
    .filter((h): h is string => !!h);
}

function listSources(dir: string): string[] {
  return fg
    .sync(['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,vue,html,htm,svelte}'], {
      cwd: dir,
      ignore: [
        '**/node_modules/**',
        '**/.git/**',
        '**/dist/**',
        '**/build/**',
        '**/coverage/**',
        '**/vendor/**',
        '**/*.min.js',
        '**/*.d.ts',
        '**/.next/**',
        '**/ios/Pods/**',
      ],
      dot: false,
      followSymbolicLinks: false,
      suppressErrors: true,
    })
    .sort()
    .slice(0, MAX_FILES);
}

function readDeps(dir: string): Set<string> {
  const deps = new Set<string>();
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return deps;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'])
      for (const name of Object.keys(pkg[key] ?? {})) deps.add(name);
  } catch {
    /* a broken package.json only means fewer suggestions */
  }
  return deps;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"\n]+)['"]/g;
const CONSENT_CALL_RE =
  /(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)?[A-Za-z_$][\w$]*(?:[Cc]onsent|CONSENT)[\w$]*|[\w$]*[Cc]onsent[\w$]*\.[A-Za-z_$][\w$]*)\s*\(\s*['"]([\w-]+)['"]/g;
const CONSENT_DEF_RE =
  /\bexport\s+(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)|\bexport\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/g;

export function detect(dir: string, policies: Policy[]): Detection {
  const deps = readDeps(dir);
  const files = listSources(dir);
  const imports = new Set<string>();
  const texts: { file: string; text: string }[] = [];
  for (const rel of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, rel), 'utf8');
    } catch {
      continue;
    }
    if (text.length > MAX_BYTES) continue;
    texts.push({ file: rel, text });
    for (const m of text.matchAll(IMPORT_RE)) imports.add(m[1]);
  }
  // A policy module may be a subpath (`firebase/analytics`) or a URL pattern with `*`.
  const pattern = (m: string) => new RegExp(`^${m.split('*').map(escapeRegExp).join('.*')}(?:/.*)?$`);
  const hasModule = (m: string) =>
    deps.has(m) || (!m.includes('*') && deps.has(packageName(m))) || [...imports].some((i) => pattern(m).test(i));
  const globalSeen = new Map<string, boolean>();
  const hasGlobal = (g: string) => {
    if (!globalSeen.has(g)) {
      // Used as a global: a member access or call, not a word inside a module path or string.
      const re = new RegExp(`(?:^|[^\\w$.'"/@-]|\\b(?:window|globalThis|self)\\.)${escapeRegExp(g)}\\s*[?.([]`, 'm');
      globalSeen.set(
        g,
        texts.some((t) => re.test(t.text)),
      );
    }
    return globalSeen.get(g)!;
  };
  const seen = (o: Origin) => ('module' in o ? hasModule(o.module) : hasGlobal(o.global));

  const sdkPolicies: string[] = [];
  const guardPacks: string[] = [];
  const cmps: string[] = [];
  for (const p of policies) {
    if (!origins(p).some(seen) && !scriptHosts(p).some((h) => texts.some((t) => t.text.includes(h)))) continue;
    (p.rules.length ? sdkPolicies : guardPacks).push(p.id);
    if (!p.rules.length) cmps.push(p.name ?? p.id);
  }

  // App guard helpers: consent-named functions called with purpose-like literals.
  const calls = new Map<string, Set<string>>();
  for (const { text } of texts) {
    for (const m of text.matchAll(CONSENT_CALL_RE)) {
      const literal = m[2];
      if (!PURPOSE_NAMES[literal.toLowerCase()] && !/^C000\d$/.test(literal)) continue;
      const set = calls.get(m[1]) ?? new Set<string>();
      set.add(literal);
      calls.set(m[1], set);
    }
  }
  const guards: ConfigGuard[] = [];
  const purposeAliases: Record<string, string> = {};
  for (const [fn, literals] of [...calls.entries()].sort()) {
    const bare = fn.split('.').pop()!;
    const definers = texts.filter((t) => [...t.text.matchAll(CONSENT_DEF_RE)].some((m) => (m[1] ?? m[2]) === bare));
    const guard: ConfigGuard = { function: fn, purposeArgument: 0 };
    if (!fn.includes('.') && definers.length === 1) {
      const mod = `./${definers[0].file.replace(/\.(?:[cm]?[jt]sx?)$/, '')}`.split(sep).join('/');
      guard.module = mod;
    }
    guards.push(guard);
    for (const l of literals) {
      const purpose = PURPOSE_NAMES[l.toLowerCase()];
      if (purpose && purpose !== l) purposeAliases[l] = purpose;
    }
  }
  return { sdkPolicies, guardPacks, cmps, guards, purposeAliases, filesSearched: texts.length };
}

function schemaRef(dir: string): string {
  let d = resolve(dir);
  for (;;) {
    const candidate = join(d, 'node_modules', 'consent-lint', 'schemas', 'config.schema.json');
    if (existsSync(candidate)) {
      const rel = relative(dir, candidate).split(sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
    const parent = dirname(d);
    if (parent === d || existsSync(join(d, '.git'))) return DEFAULT_SCHEMA;
    d = parent;
  }
}

export function runInit(flags: InitFlags, io: CliIO): number {
  try {
    const dir = resolve(io.cwd, flags.dir ?? '.');
    if (!existsSync(dir)) {
      io.stderr(`consent-lint: no such directory: ${flags.dir}\n`);
      return EXIT_USAGE;
    }
    const file = join(dir, CONFIG_FILE_NAME);
    if (existsSync(file) && !flags.force) {
      io.stderr(`consent-lint: ${relative(io.cwd, file) || file} already exists; use --force to overwrite it\n`);
      return EXIT_USAGE;
    }
    const policies = resolvePolicies(builtinPolicyIds());
    const found = detect(dir, policies);
    const config: Record<string, unknown> = {
      $schema: schemaRef(dir),
      exclude: ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**'],
    };
    if (found.guards.length) config.guards = found.guards;
    if (Object.keys(found.purposeAliases).length) config.purposeAliases = found.purposeAliases;
    const problems = validateDocument('config', file, config);
    if (problems.length) throw new ConfigError(file, problems);
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);

    const out: string[] = [`Wrote ${relative(io.cwd, file) || file}`];
    out.push(`  searched ${found.filesSearched} source files and package.json (text only; nothing was executed)`);
    out.push(
      `  SDK policies detected: ${found.sdkPolicies.join(', ') || 'none (is the SDK loaded from a CDN under another name?)'}`,
    );
    out.push(`  CMP guard packs detected: ${found.guardPacks.join(', ') || 'none'}`);
    if (found.cmps.length) out.push(`  consent platforms seen: ${found.cmps.join(', ')}`);
    out.push('  every built-in policy and guard pack applies (no "policies" list: add one only to narrow the check)');
    if (found.guards.length) {
      out.push('  app guards suggested (REVIEW these: consent-lint trusts a guard to be true only with consent):');
      for (const g of found.guards) out.push(`    ${g.function}(purpose)${g.module ? ` from ${g.module}` : ''}`);
    } else if (!found.guardPacks.length) {
      out.push(
        '  no consent checks found: describe your helper under "guards", e.g. { "function": "hasConsent", "purposeArgument": 0 }',
      );
    }
    out.push('Next: npx consent-lint   (or: npx consent-lint explain leanplum/init)');
    io.stdout(`${out.join('\n')}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}
