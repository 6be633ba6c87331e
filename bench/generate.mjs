#!/usr/bin/env node
// Deterministic generator of realistic React / React-Native app trees for the
// consent-lint benchmark.
//
//   node bench/generate.mjs <outDir> <fileCount> [--seed S] [--sdk-every N] [--inject SITES] [--no-git] [--no-node-modules]
//
// fileCount accepts 1000, 1k, 10k, 50k. The same arguments always give the same
// tree, byte for byte (seeded PRNG, no Math.random, no clock in the content).
//
// What the tree holds (see bench/README.md):
//   * <fileCount> source files under src/: ~45% .ts, 40% .tsx, 15% .js, 40-150 lines
//     each: components with hooks, screens, hooks, services, utils, stores, types,
//     grouped in feature folders that import each other (relative paths and
//     `@/...` aliases resolved by tsconfig.json `paths`).
//   * about one Leanplum SDK call per 200 files, in scenarios that are guarded
//     (Cookiebot, OneTrust, the app's hasConsent()/canMarket() helpers, early
//     return), ungated, or behind wrapper functions exported from one file and
//     called from another; plus a decoy local `Leanplum` object that is not the SDK.
//   * src/privacy/consent.ts (hasConsent, canMarket), consent-lint.config.json,
//     tsconfig.json, package.json, .gitignore, and a small fake node_modules/
//     (SDK stubs that mention Leanplum: a scanner must skip them).
//   * .bench-manifest.json: what was generated, including every SDK call site
//     with its expected verdict (finding / compliant / policy-dependent / not a sink).
//   * by default the tree is made a git repository with one commit, like a checkout.
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join, posix, dirname, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject, recordInjection } from './inject.mjs';

export const GENERATOR_VERSION = 4;

// ------------------------------------------------------------------ PRNG

function hashString(s) {
  // xmur3
  let h = 1779033703 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

export function makeRng(seed) {
  const seedFn = hashString(String(seed));
  // sfc32
  let a = seedFn(),
    b = seedFn(),
    c = seedFn(),
    d = seedFn();
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [arr[i], arr[j]] = [arr[j], arr[i]];
      }
      return arr;
    },
    weighted(entries) {
      // entries: [[value, weight], ...]
      let total = 0;
      for (const [, w] of entries) total += w;
      let r = next() * total;
      for (const [v, w] of entries) {
        if ((r -= w) < 0) return v;
      }
      return entries[entries.length - 1][0];
    },
  };
  return rng;
}

// ------------------------------------------------------------------ words

const NOUNS = [
  'user',
  'profile',
  'cart',
  'order',
  'product',
  'payment',
  'invoice',
  'message',
  'thread',
  'channel',
  'notification',
  'setting',
  'account',
  'session',
  'search',
  'feed',
  'post',
  'comment',
  'review',
  'wishlist',
  'address',
  'shipment',
  'coupon',
  'subscription',
  'plan',
  'team',
  'member',
  'invite',
  'report',
  'dashboard',
  'calendar',
  'event',
  'ticket',
  'media',
  'photo',
  'video',
  'playlist',
  'location',
  'device',
  'theme',
  'language',
  'onboarding',
  'reward',
  'wallet',
  'transfer',
  'contact',
  'chat',
  'story',
  'badge',
  'category',
  'store',
  'booking',
  'trip',
  'receipt',
  'budget',
  'goal',
  'task',
  'project',
  'note',
  'file',
];
const PARTS = [
  'list',
  'item',
  'card',
  'row',
  'header',
  'footer',
  'modal',
  'sheet',
  'form',
  'field',
  'button',
  'avatar',
  'banner',
  'panel',
  'summary',
  'detail',
  'preview',
  'picker',
  'toggle',
  'chip',
  'tab',
  'section',
  'empty',
  'loader',
  'skeleton',
  'grid',
  'carousel',
  'menu',
  'toolbar',
  'filter',
  'badge',
  'tile',
  'stepper',
  'dialog',
];
const VERBS = [
  'format',
  'parse',
  'normalize',
  'compute',
  'validate',
  'group',
  'sort',
  'merge',
  'build',
  'map',
  'filter',
  'serialize',
];
const TOPICS = [
  'total',
  'label',
  'date',
  'range',
  'payload',
  'query',
  'entries',
  'price',
  'status',
  'title',
  'key',
  'summary',
];
const FIELDS = [
  'id',
  'name',
  'title',
  'createdAt',
  'updatedAt',
  'status',
  'amount',
  'ownerId',
  'tags',
  'count',
  'url',
  'description',
];
const COLORS = ["'#1f2937'", "'#f9fafb'", "'#2563eb'", "'#dc2626'", "'#16a34a'", "'#6b7280'", "'#e5e7eb'", "'#111827'"];
const EVENTS = ['screen_view', 'item_open', 'search_submit', 'cart_update', 'share_tap', 'filter_change'];

const pascal = (s) => s.replace(/(^|[-_ ])(\w)/g, (_, __, c) => c.toUpperCase());
const camel = (s) => {
  const p = pascal(s);
  return p[0].toLowerCase() + p.slice(1);
};

// ------------------------------------------------------------------ plan

const LAYER = { types: 0, util: 1, service: 2, store: 3, hook: 4, component: 5, screen: 6 };
const ROLE_DIR = {
  types: 'types',
  util: 'utils',
  service: 'services',
  store: 'store',
  hook: 'hooks',
  component: 'components',
  screen: 'screens',
};

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kK])?$/.exec(String(s));
  if (!m) throw new Error(`bad file count: ${s}`);
  return Math.round(Number(m[1]) * (m[2] ? 1000 : 1));
}

function exactCounts(n, shares) {
  // Largest-remainder apportionment: exact, deterministic counts.
  const raw = shares.map(([k, p]) => [k, p * n]);
  const out = raw.map(([k, x]) => [k, Math.floor(x)]);
  let left = n - out.reduce((a, [, c]) => a + c, 0);
  const order = raw.map(([, x], i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; left > 0; i++, left--) out[order[i % order.length][1]][1]++;
  return out;
}

function plan(fileCount, rng) {
  // Special files (count towards fileCount).
  const specials = [
    { path: 'src/privacy/consent.ts', ext: 'ts', role: 'consent', layer: 1, special: true },
    { path: 'src/types/globals.d.ts', ext: 'ts', role: 'globals', layer: 0, special: true },
    { path: 'src/App.tsx', ext: 'tsx', role: 'app', layer: 7, special: true },
    {
      path: 'src/common/api/httpClient.ts',
      ext: 'ts',
      role: 'http',
      layer: 1,
      special: true,
      exportName: 'httpClient',
    },
  ];
  const n = Math.max(0, fileCount - specials.length);
  const exts = [];
  for (const [ext, c] of exactCounts(n, [
    ['ts', 0.45],
    ['tsx', 0.4],
    ['js', 0.15],
  ]))
    for (let i = 0; i < c; i++) exts.push(ext);
  rng.shuffle(exts);

  const files = [];
  const perFeature = 40;
  const sharedShare = 0.06;
  const featureCount = Math.max(1, Math.round((n * (1 - sharedShare)) / perFeature));
  const features = [];
  const usedFeatureNames = new Set();
  for (let f = 0; f < featureCount; f++) {
    let name;
    for (let tries = 0; ; tries++) {
      const a = rng.pick(NOUNS);
      let b = rng.pick(NOUNS.concat(PARTS));
      if (b === a) b = 'hub';
      name = `${a}-${b}`;
      if (tries > 20) name = `${name}-${f}`;
      if (!usedFeatureNames.has(name)) break;
    }
    usedFeatureNames.add(name);
    features.push({ name, platform: rng.chance(0.5) ? 'web' : 'rn', files: [] });
  }
  const shared = { name: null, platform: 'web', files: [] };

  const usedNames = new Set([
    'React',
    'View',
    'Text',
    'Pressable',
    'StyleSheet',
    'Leanplum',
    'httpClient',
    'hasConsent',
    'canMarket',
  ]);
  const uniqueName = (base) => {
    let name = base;
    for (let k = 2; usedNames.has(name); k++) name = `${base}${k}`;
    usedNames.add(name);
    return name;
  };

  for (let i = 0; i < n; i++) {
    const ext = exts[i];
    let role;
    if (ext === 'tsx') role = rng.chance(0.82) ? 'component' : 'screen';
    else if (ext === 'ts')
      role = rng.weighted([
        ['hook', 25],
        ['service', 24],
        ['util', 24],
        ['store', 12],
        ['types', 15],
      ]);
    else
      role = rng.weighted([
        ['component', 45],
        ['util', 35],
        ['service', 20],
      ]);
    const isShared = rng.chance(sharedShare) && role !== 'screen';
    const feat = isShared ? shared : features[Math.min(featureCount - 1, Math.floor((i / n) * featureCount))];
    const noun = feat.name ? (rng.chance(0.6) ? feat.name.split('-')[0] : rng.pick(NOUNS)) : rng.pick(NOUNS);
    let exportName;
    switch (role) {
      case 'component':
        exportName = uniqueName(pascal(`${noun}-${rng.pick(PARTS)}`));
        break;
      case 'screen':
        exportName = uniqueName(pascal(`${noun}-${rng.pick(['screen', 'page', 'view'])}`));
        break;
      case 'hook':
        exportName = uniqueName(
          `use${pascal(`${noun}-${rng.pick(['items', 'state', 'query', 'details', 'actions', 'filters', 'sync'])}`)}`,
        );
        break;
      case 'service':
        exportName = uniqueName(camel(`${noun}-${rng.pick(['service', 'api', 'client', 'repository'])}`));
        break;
      case 'util':
        exportName = uniqueName(camel(`${rng.pick(VERBS)}-${noun}-${rng.pick(TOPICS)}`));
        break;
      case 'store':
        exportName = uniqueName(camel(`${noun}-${rng.pick(['store', 'slice', 'cache'])}`));
        break;
      case 'types':
        exportName = uniqueName(pascal(`${noun}-${rng.pick(['model', 'dto', 'record', 'entity'])}`));
        break;
    }
    const dir = feat.name ? `src/features/${feat.name}/${ROLE_DIR[role]}` : `src/common/${ROLE_DIR[role]}`;
    const base = role === 'types' ? `${camel(exportName)}Types` : exportName;
    const file = {
      idx: files.length,
      path: `${dir}/${base}.${ext}`,
      ext,
      role,
      layer: LAYER[role],
      feature: feat,
      exportName,
      platform: feat.name ? feat.platform : rng.chance(0.5) ? 'web' : 'rn',
      imports: [],
      sdk: [],
      consentUse: false,
    };
    files.push(file);
    feat.files.push(file);
  }
  for (const s of specials) {
    s.idx = files.length;
    s.imports = [];
    s.sdk = [];
    s.feature = shared;
    files.push(s);
  }
  return { files, features, shared, specials: Object.fromEntries(specials.map((s) => [s.role, s])) };
}

// Candidate import targets for `file`, lower layers (or same layer, lower index, for components).
function canImport(from, to) {
  if (to === from || to.special) return false;
  if (to.role === 'types' && from.ext === 'js') return false; // `import type` is TS only
  if (to.layer < from.layer) return true;
  return from.role === 'component' && to.role === 'component' && to.idx < from.idx;
}

function specifier(from, to, rng, preferAlias) {
  const toNoExt = to.path.replace(/(\.d)?\.(tsx?|jsx?)$/, '');
  if (preferAlias ? rng.chance(0.4) : rng.chance(0.03)) return `@/${toNoExt.slice('src/'.length)}`;
  let rel = posix.relative(posix.dirname(from.path), toNoExt);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

function chooseImports(P, rng) {
  const { files, features, shared } = P;
  const want = {
    component: [2, 6],
    screen: [3, 8],
    hook: [1, 3],
    service: [1, 3],
    util: [0, 2],
    store: [1, 3],
    types: [0, 1],
  };
  for (const f of files) {
    if (f.special) continue;
    const [lo, hi] = want[f.role];
    const k = rng.int(lo, hi);
    const chosen = new Set();
    for (let attempt = 0; chosen.size < k && attempt < k * 6; attempt++) {
      const src = rng.weighted([
        ['same', 65],
        ['shared', 20],
        ['other', 15],
      ]);
      let pool;
      if (src === 'same' && f.feature.name) pool = f.feature.files;
      else if (src === 'shared' || !f.feature.name) pool = shared.files;
      else pool = rng.pick(features).files;
      if (!pool.length) continue;
      const to = pool[rng.int(0, pool.length - 1)];
      if (!canImport(f, to) || chosen.has(to)) continue;
      chosen.add(to);
      f.imports.push({ to, spec: specifier(f, to, rng, src !== 'same') });
    }
    if (f.role === 'service' && rng.chance(0.7)) {
      const http = P.specials.http;
      f.imports.push({ to: http, spec: specifier(f, http, rng, true) });
    }
  }
}

// ------------------------------------------------------------------ SDK scenarios

// expect: 'finding' | 'compliant' | 'policy' (depends on the CMP pack's purpose mapping) | 'not-a-sink'
const SCENARIOS = [
  // id, weight, needs, description
  { id: 'cookiebot-effect', weight: 3, platform: 'web', host: 'component' },
  { id: 'wrapper-ungated', weight: 2, platform: 'any', host: 'wrapper' },
  { id: 'early-return-push', weight: 2, platform: 'web', host: 'service' },
  { id: 'wrapper-canmarket', weight: 3, platform: 'any', host: 'wrapper' },
  { id: 'ungated-deviceid-rn', weight: 1, platform: 'rn', host: 'component' },
  { id: 'onetrust-deviceid', weight: 1, platform: 'web', host: 'component' },
  { id: 'rn-hasconsent', weight: 2, platform: 'rn', host: 'component' },
  { id: 'wrapper-mixed', weight: 1, platform: 'any', host: 'wrapper' },
  { id: 'ungated-toplevel', weight: 1, platform: 'any', host: 'service' },
  { id: 'onetrust-c0004-push', weight: 1, platform: 'web', host: 'component' },
  { id: 'rn-push-early-return', weight: 1, platform: 'rn', host: 'service' },
];

function assignScenarios(P, rng, sdkEvery) {
  const { files } = P;
  const nSites = Math.max(1, Math.round(files.length / sdkEvery));
  const taken = new Set();
  const pools = new Map();
  const pickHost = (roles, platform, exclude) => {
    // Uniform over the eligible files: rejection sampling from a per-(roles, platform) pool,
    // then a linear scan when the pool is nearly exhausted. Deterministic given the PRNG.
    const key = `${roles.join(',')}|${platform}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = files.filter(
        (f) => !f.special && roles.includes(f.role) && (platform === 'any' || f.platform === platform),
      );
      pools.set(key, pool);
    }
    if (!pool.length) return null;
    const ok = (f) => !taken.has(f) && !(exclude && exclude(f));
    let f = null;
    for (let tries = 0; tries < 64 && !f; tries++) {
      const c = pool[rng.int(0, pool.length - 1)];
      if (ok(c)) f = c;
    }
    if (!f) {
      const cands = pool.filter(ok);
      if (!cands.length) return null;
      f = cands[rng.int(0, cands.length - 1)];
    }
    taken.add(f);
    return f;
  };
  const sites = [];
  for (let s = 0; s < nSites; s++) {
    const sc = s < SCENARIOS.length ? SCENARIOS[s] : rng.weighted(SCENARIOS.map((x) => [x, x.weight]));
    let host;
    if (sc.host === 'component') host = pickHost(['component', 'screen'], sc.platform);
    else if (sc.host === 'service') host = pickHost(['service', 'util'], sc.platform);
    else host = pickHost(['service'], sc.platform);
    if (!host) continue;
    const site = { scenario: sc.id, host, callers: [] };
    if (sc.host === 'wrapper') {
      site.wrapperName = rng.pick([
        'initLeanplum',
        'startEngagement',
        'bootstrapMessaging',
        'setupCrmTracking',
        'startLeanplumSession',
      ]);
      const nCallers = sc.id === 'wrapper-mixed' ? 2 : 1;
      for (let c = 0; c < nCallers; c++) {
        const sameFeature = host.feature.name && rng.chance(0.5);
        const caller =
          (sameFeature && pickHost(['component', 'screen'], 'any', (f) => f.feature !== host.feature)) ||
          pickHost(['component', 'screen'], 'any');
        if (!caller) break;
        const preferAlias = caller.feature !== host.feature || rng.chance(0.3);
        caller.sdk.push({
          kind: 'caller',
          site,
          guarded: sc.id === 'wrapper-canmarket' || (sc.id === 'wrapper-mixed' && c === 0),
          spec: specifier(caller, host, rng, preferAlias),
        });
        site.callers.push(caller);
      }
    }
    host.sdk.push({ kind: 'host', site });
    sites.push(site);
  }
  // Decoys: a local object named Leanplum (not the SDK), ~1 per 1000 files, at least one.
  const nDecoys = Math.max(1, Math.round(files.length / 1000));
  for (let d = 0; d < nDecoys; d++) {
    const host = pickHost(['util'], 'any');
    if (!host) break;
    const site = { scenario: 'decoy-local-leanplum', host, callers: [] };
    host.sdk.push({ kind: 'host', site });
    sites.push(site);
  }
  // Non-SDK uses of the consent helper (analytics gating), ~1 per 100 files.
  const nConsentUses = Math.max(1, Math.round(files.length / 100));
  for (let u = 0; u < nConsentUses; u++) {
    const host = pickHost(['component', 'screen'], 'any');
    if (!host) break;
    host.consentUse = true;
  }
  return sites;
}

// ------------------------------------------------------------------ code emitters

class Out {
  constructor() {
    this.lines = [];
  }
  push(...ls) {
    for (const l of ls) this.lines.push(l);
    return this;
  }
  block(text) {
    for (const l of text.split('\n')) this.lines.push(l);
    return this;
  }
  get length() {
    return this.lines.length;
  }
  toString() {
    return this.lines.join('\n') + '\n';
  }
}

const TS = (f) => f.ext !== 'js';
const ann = (f, s) => (TS(f) ? s : '');

function importLines(f, out, extra = []) {
  const byKind = [];
  for (const { to, spec } of f.imports) {
    if (to.role === 'types') byKind.push(`import type { ${to.exportName} } from '${spec}';`);
    else if (to.role === 'http') byKind.push(`import { httpClient } from '${spec}';`);
    else byKind.push(`import { ${to.exportName} } from '${spec}';`);
  }
  out.push(...extra, ...byKind);
}

function helperBlock(f, rng, k) {
  const name = `${rng.pick(VERBS)}${pascal(rng.pick(TOPICS))}${k}`;
  const t = TS(f);
  switch (rng.int(0, 5)) {
    case 0:
      return [
        `function ${name}(value${ann(f, ': number')}, min = 0, max = 100)${ann(f, ': number')} {`,
        `  if (Number.isNaN(value)) {`,
        `    return min;`,
        `  }`,
        `  return Math.min(max, Math.max(min, value));`,
        `}`,
      ];
    case 1:
      return [
        `function ${name}(items${ann(f, ': Array<Record<string, unknown>>')}, key${ann(f, ': string')})${ann(f, ': Record<string, number>')} {`,
        `  const counts${ann(f, ': Record<string, number>')} = {};`,
        `  for (const item of items) {`,
        `    const bucket = String(item[key] ?? 'unknown');`,
        `    counts[bucket] = (counts[bucket] ?? 0) + 1;`,
        `  }`,
        `  return counts;`,
        `}`,
      ];
    case 2:
      return [
        `const ${name} = (input${ann(f, ': string | undefined')})${ann(f, ': string')} =>`,
        `  (input ?? '')`,
        `    .trim()`,
        `    .toLowerCase()`,
        `    .replace(/\\s+/g, '-')`,
        `    .replace(/[^a-z0-9-]/g, '');`,
      ];
    case 3: {
      const fields = rng.shuffle(FIELDS.slice()).slice(0, rng.int(2, 5));
      return [
        `function ${name}(raw${ann(f, ': any')}) {`,
        `  if (!raw || typeof raw !== 'object') {`,
        `    return null;`,
        `  }`,
        `  return {`,
        ...fields.map(
          (fl) => `    ${fl}: raw.${fl} ?? ${fl === 'tags' ? '[]' : fl === 'count' || fl === 'amount' ? '0' : "''"},`,
        ),
        `  };`,
        `}`,
      ];
    }
    case 4:
      return [
        `async function ${name}${t ? '<T>' : ''}(task${ann(f, ': () => Promise<T>')}, retries = 2)${ann(f, ': Promise<T>')} {`,
        `  let lastError${ann(f, ': unknown')};`,
        `  for (let attempt = 0; attempt <= retries; attempt++) {`,
        `    try {`,
        `      return await task();`,
        `    } catch (err) {`,
        `      lastError = err;`,
        `      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));`,
        `    }`,
        `  }`,
        `  throw lastError;`,
        `}`,
      ];
    default:
      return [
        `const ${name} = (a${ann(f, ': { updatedAt?: string }')}, b${ann(f, ': { updatedAt?: string }')}) => {`,
        `  const ta = a.updatedAt ? Date.parse(a.updatedAt) : 0;`,
        `  const tb = b.updatedAt ? Date.parse(b.updatedAt) : 0;`,
        `  return tb - ta;`,
        `};`,
      ];
  }
}

function targetLines(rng) {
  // 40..150, skewed toward the lower middle (mean ~85).
  return 40 + Math.floor(110 * Math.pow(rng.next(), 1.35));
}

const webSdkImport = `import Leanplum from 'leanplum-sdk';`;
const rnSdkImport = `import { Leanplum } from '@leanplum/react-native-sdk';`;
const sdkImportFor = (f) => (f.platform === 'rn' ? rnSdkImport : webSdkImport);

function privacySpec(f, rng) {
  const to = 'src/privacy/consent';
  if (rng.chance(0.5)) return '@/privacy/consent';
  let rel = posix.relative(posix.dirname(f.path), to);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

// Emits the component's SDK effect blocks; returns [importLines, bodyLines].
function componentSdk(f, rng) {
  const imports = new Set();
  const body = [];
  for (const s of f.sdk) {
    const sc = s.site.scenario;
    if (s.kind === 'caller') {
      imports.add(`import { ${s.site.wrapperName} } from '${s.spec}';`);
      if (s.guarded) {
        imports.add(`import { canMarket } from '${privacySpec(f, rng)}';`);
        body.push(
          `  useEffect(() => {`,
          `    if (canMarket()) {`,
          `      ${s.site.wrapperName}();`,
          `    }`,
          `  }, []);`,
          ``,
        );
      } else if (s.site.callers.indexOf(f) === 1) {
        body.push(
          `  const handleRetryEngagement = useCallback(() => {`,
          `    ${s.site.wrapperName}();`,
          `  }, []);`,
          ``,
        );
      } else {
        body.push(`  useEffect(() => {`, `    ${s.site.wrapperName}();`, `  }, []);`, ``);
      }
      continue;
    }
    imports.add(sdkImportFor(f));
    switch (sc) {
      case 'cookiebot-effect':
        body.push(
          `  useEffect(() => {`,
          `    if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) {`,
          `      Leanplum.setAppIdForProductionMode(LEANPLUM_APP_ID, LEANPLUM_PROD_KEY);`,
          `      Leanplum.start();`,
          `    }`,
          `  }, []);`,
          ``,
        );
        break;
      case 'onetrust-deviceid':
        body.push(
          `  useEffect(() => {`,
          `    if (!itemId) return;`,
          `    if (window.OnetrustActiveGroups.includes(',C0002,') && window.OnetrustActiveGroups.includes(',C0004,')) {`,
          `      Leanplum.setDeviceId(itemId);`,
          `    }`,
          `  }, [itemId]);`,
          ``,
        );
        break;
      case 'onetrust-c0004-push':
        body.push(
          `  const handleEnableAlerts = useCallback(async () => {`,
          `    if (window.OnetrustActiveGroups.includes(',C0004,')) {`,
          `      await Leanplum.registerForWebPush('/sw.min.js');`,
          `    }`,
          `  }, []);`,
          ``,
        );
        break;
      case 'rn-hasconsent':
        imports.add(`import { hasConsent } from '${privacySpec(f, rng)}';`);
        body.push(
          `  useEffect(() => {`,
          `    if (hasConsent('analytics') && hasConsent('marketing')) {`,
          `      Leanplum.setAppIdForProductionMode(LEANPLUM_APP_ID, LEANPLUM_PROD_KEY);`,
          `      Leanplum.start();`,
          `    }`,
          `  }, []);`,
          ``,
        );
        break;
      case 'ungated-deviceid-rn':
        body.push(
          `  useEffect(() => {`,
          `    if (itemId) {`,
          `      Leanplum.setDeviceId(itemId);`,
          `    }`,
          `  }, [itemId]);`,
          ``,
        );
        break;
      default:
        throw new Error(`component scenario ${sc}`);
    }
  }
  const needsKeys = f.sdk.some((s) => s.kind === 'host' && /cookiebot|rn-hasconsent/.test(s.site.scenario));
  const top = needsKeys
    ? [
        `const LEANPLUM_APP_ID = 'app_${f.idx.toString(36)}';`,
        `const LEANPLUM_PROD_KEY = 'prod_${(f.idx * 7919).toString(36)}';`,
        ``,
      ]
    : [];
  return { imports: [...imports], body, top };
}

function genComponent(f, rng) {
  const out = new Out();
  const isScreen = f.role === 'screen';
  const rn = f.platform === 'rn';
  const target = Math.min(150, targetLines(rng) + (isScreen ? 15 : 0));
  const hooks = f.imports.filter((i) => i.to.role === 'hook');
  const comps = f.imports.filter((i) => i.to.role === 'component');
  const services = f.imports.filter((i) => i.to.role === 'service');
  const utils = f.imports.filter((i) => i.to.role === 'util');
  const stores = f.imports.filter((i) => i.to.role === 'store');
  const types = f.imports.filter((i) => i.to.role === 'types');
  const sdk = componentSdk(f, rng);
  const reactImports = ['useCallback', 'useEffect', 'useMemo', 'useState'];
  out.push(`import React, { ${reactImports.join(', ')} } from 'react';`);
  if (rn) out.push(`import { FlatList, Pressable, StyleSheet, Text, View } from 'react-native';`);
  const consentImport =
    f.consentUse && !sdk.imports.some((l) => /\bhasConsent\b/.test(l))
      ? [`import { hasConsent } from '${privacySpec(f, rng)}';`]
      : [];
  importLines(f, out, [...sdk.imports, ...consentImport]);
  out.push('');
  out.push(...sdk.top);
  const P = `${f.exportName}Props`;
  if (TS(f)) {
    out.push(
      `export interface ${P} {`,
      `  title: string;`,
      `  itemId?: string;`,
      `  compact?: boolean;`,
      `  onSelect?: (id: string) => void;`,
      `}`,
      ``,
      `type SortKey = ${rng
        .shuffle(['name', 'date', 'price', 'status', 'rank'])
        .slice(0, 3)
        .map((s) => `'${s}'`)
        .join(' | ')};`,
      ``,
    );
  }
  // Module-level helpers, added until the file reaches its target length.
  const bodyEst =
    27 +
    hooks.length * 2 +
    stores.length +
    utils.length * 2 +
    comps.length +
    services.length * 13 +
    (f.consentUse ? 6 : 0) +
    sdk.body.length +
    (rn ? 27 : 0) +
    types.length * 4;
  let k = 0;
  while (out.length + bodyEst + 5 <= target && k < 20) out.push(...helperBlock(f, rng, k++), '');
  for (const t of types) {
    out.push(
      `function pick${t.to.exportName}(list: ${t.to.exportName}[]): ${t.to.exportName} | undefined {`,
      `  return list.find((entry) => entry.id !== undefined);`,
      `}`,
      ``,
    );
  }
  const propsSig = TS(f)
    ? `{ title, itemId, compact = false, onSelect }: ${P}`
    : `{ title, itemId, compact = false, onSelect }`;
  out.push(`export function ${f.exportName}(${propsSig}) {`);
  out.push(`  const [expanded, setExpanded] = useState(false);`);
  out.push(`  const [query, setQuery] = useState('');`);
  out.push(`  const [items, setItems] = useState${ann(f, '<Array<{ id: string; label: string }>>')}([]);`);
  if (rng.chance(0.5)) out.push(`  const [sortKey, setSortKey] = useState${ann(f, '<SortKey>')}('${'name'}');`);
  for (const h of hooks) out.push(`  const ${camel(h.to.exportName.slice(3))}State = ${h.to.exportName}(itemId);`);
  for (const s of stores) out.push(`  const ${s.to.exportName}Snapshot = ${s.to.exportName}.getState();`);
  for (const u of utils) out.push(`  const ${u.to.exportName}Value = ${u.to.exportName}(title);`);
  out.push('');
  out.push(
    `  const visible = useMemo(() => {`,
    `    const q = query.trim().toLowerCase();`,
    `    return q ? items.filter((it) => it.label.toLowerCase().includes(q)) : items;`,
    `  }, [items, query]);`,
    ``,
  );
  for (const s of services) {
    out.push(
      `  useEffect(() => {`,
      `    let cancelled = false;`,
      `    ${s.to.exportName}`,
      `      .fetchAll()`,
      `      .then((rows) => {`,
      `        if (!cancelled) setItems(rows.map((r${ann(f, ': any')}) => ({ id: String(r.id), label: String(r.name ?? r.id) })));`,
      `      })`,
      `      .catch(() => setItems([]));`,
      `    return () => {`,
      `      cancelled = true;`,
      `    };`,
      `  }, [itemId]);`,
      ``,
    );
  }
  if (f.consentUse) {
    out.push(
      `  useEffect(() => {`,
      `    if (hasConsent('analytics')) {`,
      `      window.dispatchEvent(new CustomEvent('app:track', { detail: { event: '${rng.pick(EVENTS)}', title } }));`,
      `    }`,
      `  }, [title]);`,
      ``,
    );
  }
  out.push(...sdk.body);
  out.push(
    `  const handlePress = useCallback(() => {`,
    `    setExpanded((value) => !value);`,
    `    onSelect?.(itemId ?? '');`,
    `  }, [itemId, onSelect]);`,
    ``,
  );
  out.push(`  return (`);
  if (rn) {
    out.push(`    <View style={[styles.container, compact && styles.compact]}>`);
    out.push(`      <Pressable onPress={handlePress} accessibilityRole="button">`);
    out.push(`        <Text style={styles.title}>{title}</Text>`);
    out.push(`      </Pressable>`);
    for (const h of hooks)
      out.push(
        `      {${camel(h.to.exportName.slice(3))}State.loading ? <Text style={styles.muted}>Loading…</Text> : null}`,
      );
    for (const u of utils) out.push(`      <Text style={styles.muted}>{String(${u.to.exportName}Value)}</Text>`);
    for (const c of comps) out.push(`      <${c.to.exportName} title="${c.to.exportName}" itemId={itemId} />`);
    out.push(
      `      {expanded && (`,
      `        <FlatList`,
      `          data={visible}`,
      `          keyExtractor={(it) => it.id}`,
      `          renderItem={({ item }) => <Text style={styles.row}>{item.label}</Text>}`,
      `        />`,
      `      )}`,
      `    </View>`,
    );
  } else {
    out.push(`    <section className={compact ? 'panel panel--compact' : 'panel'}>`);
    out.push(`      <header className="panel__header">`);
    out.push(`        <h2 onClick={handlePress}>{title}</h2>`);
    out.push(`        <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search" />`);
    out.push(`      </header>`);
    for (const h of hooks)
      out.push(`      {${camel(h.to.exportName.slice(3))}State.loading && <span className="spinner" />}`);
    for (const u of utils) out.push(`      <p className="muted">{String(${u.to.exportName}Value)}</p>`);
    for (const c of comps) out.push(`      <${c.to.exportName} title="${c.to.exportName}" itemId={itemId} />`);
    out.push(
      `      {expanded && (`,
      `        <ul className="panel__list">`,
      `          {visible.map((it) => (`,
      `            <li key={it.id}>{it.label}</li>`,
      `          ))}`,
      `        </ul>`,
      `      )}`,
      `    </section>`,
    );
  }
  out.push(`  );`, `}`, ``);
  if (rn) {
    out.push(`const styles = StyleSheet.create({`);
    const entries = ['container', 'compact', 'title', 'muted', 'row'];
    for (const e of entries) {
      out.push(`  ${e}: {`);
      const props = rng
        .shuffle([
          'padding: 12',
          'marginBottom: 8',
          `color: ${rng.pick(COLORS)}`,
          'fontSize: 14',
          'borderRadius: 6',
          `backgroundColor: ${rng.pick(COLORS)}`,
        ])
        .slice(0, rng.int(1, 3));
      for (const p of props) out.push(`    ${p},`);
      out.push(`  },`);
    }
    out.push(`});`, ``);
  }
  out.push(`export default ${f.exportName};`);
  return out.toString();
}

function genHook(f, rng) {
  const out = new Out();
  const target = targetLines(rng);
  out.push(`import { useCallback, useEffect, useRef, useState } from 'react';`);
  importLines(f, out);
  out.push('');
  const services = f.imports.filter((i) => i.to.role === 'service');
  const stores = f.imports.filter((i) => i.to.role === 'store');
  const utils = f.imports.filter((i) => i.to.role === 'util');
  const types = f.imports.filter((i) => i.to.role === 'types');
  const T = types.length ? types[0].to.exportName : 'Record<string, unknown>';
  const S = `${pascal(f.exportName.slice(3))}Result`;
  out.push(
    `export interface ${S} {`,
    `  data: ${T}[];`,
    `  loading: boolean;`,
    `  error: Error | null;`,
    `  refresh: () => Promise<void>;`,
    `}`,
    ``,
  );
  let k = 0;
  while (out.length + 33 + services.length * 2 + stores.length + utils.length + 5 <= target && k < 20)
    out.push(...helperBlock(f, rng, k++), '');
  out.push(
    `export function ${f.exportName}(id?: string): ${S} {`,
    `  const [data, setData] = useState<${T}[]>([]);`,
    `  const [loading, setLoading] = useState(false);`,
    `  const [error, setError] = useState<Error | null>(null);`,
    `  const mounted = useRef(true);`,
    ``,
    `  const refresh = useCallback(async () => {`,
    `    setLoading(true);`,
    `    try {`,
  );
  if (services.length) {
    services.forEach((s, i) =>
      out.push(
        `      const rows${i} = await ${s.to.exportName}.fetchAll();`,
        `      if (mounted.current) setData(rows${i} as ${T}[]);`,
      ),
    );
  } else {
    out.push(`      const rows: ${T}[] = [];`, `      if (mounted.current) setData(rows);`);
  }
  for (const s of stores) out.push(`      ${s.to.exportName}.setState({ lastSync: Date.now() });`);
  for (const u of utils) out.push(`      void ${u.to.exportName}(String(id ?? ''));`);
  out.push(
    `      setError(null);`,
    `    } catch (err) {`,
    `      if (mounted.current) setError(err instanceof Error ? err : new Error(String(err)));`,
    `    } finally {`,
    `      if (mounted.current) setLoading(false);`,
    `    }`,
    `  }, [id]);`,
    ``,
    `  useEffect(() => {`,
    `    mounted.current = true;`,
    `    void refresh();`,
    `    return () => {`,
    `      mounted.current = false;`,
    `    };`,
    `  }, [refresh]);`,
    ``,
    `  return { data, loading, error, refresh };`,
    `}`,
  );
  return out.toString();
}

function serviceSdk(f, rng) {
  const imports = new Set();
  const top = [];
  const exportsBlock = [];
  for (const s of f.sdk) {
    const sc = s.site.scenario;
    imports.add(sdkImportFor(f));
    const t = (x) => ann(f, x);
    switch (sc) {
      case 'early-return-push':
        imports.add(`import { hasConsent } from '${privacySpec(f, rng)}';`);
        top.push(`const FEATURE_FLAGS = { webPush: true, inbox: false };`, ``);
        exportsBlock.push(
          `export async function enableWebPush()${t(': Promise<void>')} {`,
          `  if (!hasConsent('marketing')) return;`,
          `  if (!FEATURE_FLAGS.webPush) return;`,
          `  if (!Leanplum.isWebPushSupported()) return;`,
          `  await Leanplum.registerForWebPush('/sw.min.js');`,
          `}`,
          ``,
        );
        break;
      case 'rn-push-early-return':
        imports.add(`import { hasConsent } from '${privacySpec(f, rng)}';`);
        exportsBlock.push(
          `export function enablePushNotifications()${t(': void')} {`,
          `  if (!hasConsent('marketing')) {`,
          `    return;`,
          `  }`,
          `  Leanplum.registerForRemoteNotifications();`,
          `}`,
          ``,
        );
        break;
      case 'ungated-toplevel':
        top.push(
          `Leanplum.setAppIdForDevelopmentMode('app_${f.idx.toString(36)}', 'dev_${(f.idx * 31).toString(36)}');`,
          `Leanplum.start();`,
          ``,
        );
        break;
      case 'wrapper-ungated':
      case 'wrapper-canmarket':
      case 'wrapper-mixed':
        top.push(`let leanplumStarted = false;`, ``);
        exportsBlock.push(
          `export function ${s.site.wrapperName}()${t(': void')} {`,
          `  if (leanplumStarted) {`,
          `    return;`,
          `  }`,
          `  leanplumStarted = true;`,
          `  Leanplum.setAppIdForProductionMode('app_${f.idx.toString(36)}', 'prod_${(f.idx * 13).toString(36)}');`,
          `  Leanplum.start();`,
          `}`,
          ``,
        );
        break;
      default:
        throw new Error(`service scenario ${sc}`);
    }
  }
  return { imports: [...imports], top, exportsBlock };
}

function genService(f, rng) {
  const out = new Out();
  const target = targetLines(rng);
  const sdk = serviceSdk(f, rng);
  importLines(f, out, sdk.imports);
  out.push('');
  out.push(...sdk.top);
  const utils = f.imports.filter((i) => i.to.role === 'util');
  const services = f.imports.filter((i) => i.to.role === 'service');
  const usesHttp = f.imports.some((i) => i.to.role === 'http');
  const types = f.imports.filter((i) => i.to.role === 'types');
  const T = types.length ? types[0].to.exportName : 'Record<string, unknown>';
  const resource = f.exportName.replace(/(Service|Api|Client|Repository)\d*$/, '').toLowerCase();
  out.push(
    `const BASE_PATH = '/api/v${rng.int(1, 3)}/${resource}s';`,
    `const CACHE_TTL_MS = ${rng.pick([5000, 15000, 30000, 60000])};`,
    ``,
  );
  if (TS(f))
    out.push(
      `interface CacheEntry<T> {`,
      `  value: T;`,
      `  expires: number;`,
      `}`,
      ``,
      `const cache = new Map<string, CacheEntry<unknown>>();`,
      ``,
    );
  else out.push(`const cache = new Map();`, ``);
  let k = 0;
  while (out.length + 36 + utils.length + services.length + (usesHttp ? 0 : 7) + 5 <= target && k < 20)
    out.push(...helperBlock(f, rng, k++), '');
  out.push(
    `async function request${ann(f, '<R>')}(path${ann(f, ': string')}, init${ann(f, '?: RequestInit')})${ann(f, ': Promise<R>')} {`,
  );
  if (usesHttp) out.push(`  return httpClient.send${ann(f, '<R>')}(BASE_PATH + path, init);`);
  else {
    out.push(
      `  const res = await fetch(\`\${BASE_PATH}\${path}\`, {`,
      `    headers: { 'Content-Type': 'application/json' },`,
      `    ...init,`,
      `  });`,
      `  if (!res.ok) {`,
      `    throw new Error(\`Request to \${path} failed: \${res.status}\`);`,
      `  }`,
      `  return (await res.json())${ann(f, ' as R')};`,
    );
  }
  out.push(`}`, ``);
  out.push(...sdk.exportsBlock);
  out.push(
    `export const ${f.exportName} = {`,
    `  async fetchAll()${ann(f, `: Promise<${T}[]>`)} {`,
    `    const hit = cache.get('all');`,
    `    if (hit && hit.expires > Date.now()) {`,
    `      return hit.value${ann(f, ` as ${T}[]`)};`,
    `    }`,
    `    const rows = await request${ann(f, `<${T}[]>`)}('/');`,
    `    cache.set('all', { value: rows, expires: Date.now() + CACHE_TTL_MS });`,
    `    return rows;`,
    `  },`,
    ``,
    `  async fetchById(id${ann(f, ': string')})${ann(f, `: Promise<${T}>`)} {`,
    `    return request${ann(f, `<${T}>`)}(\`/\${encodeURIComponent(id)}\`);`,
    `  },`,
    ``,
    `  async save(item${ann(f, `: ${T}`)})${ann(f, `: Promise<${T}>`)} {`,
    `    cache.delete('all');`,
  );
  for (const u of utils) out.push(`    void ${u.to.exportName}(JSON.stringify(item));`);
  for (const s of services) out.push(`    await ${s.to.exportName}.fetchAll();`);
  out.push(
    `    return request${ann(f, `<${T}>`)}('/', { method: 'POST', body: JSON.stringify(item) });`,
    `  },`,
    `};`,
    ``,
    `export default ${f.exportName};`,
  );
  return out.toString();
}

function genUtil(f, rng) {
  const out = new Out();
  const target = targetLines(rng);
  const isDecoy = f.sdk.some((s) => s.site.scenario === 'decoy-local-leanplum');
  const sdk = f.sdk.length && !isDecoy ? serviceSdk(f, rng) : { imports: [], top: [], exportsBlock: [] };
  importLines(f, out, sdk.imports);
  if (out.length) out.push('');
  out.push(...sdk.top);
  out.push(...sdk.exportsBlock);
  if (isDecoy) {
    out.push(
      `// Test double used by the storybook and unit tests: records calls, talks to nobody.`,
      `function createRecorder(name${ann(f, ': string')}) {`,
      `  const calls${ann(f, ': string[]')} = [];`,
      `  return {`,
      `    calls,`,
      `    start: () => calls.push(name + '.start'),`,
      `    setDeviceId: (id${ann(f, ': string')}) => calls.push(name + '.setDeviceId:' + id),`,
      `  };`,
      `}`,
      ``,
      `const Leanplum = createRecorder('Leanplum');`,
      ``,
      `export function recordStartup()${ann(f, ': string[]')} {`,
      `  Leanplum.start();`,
      `  Leanplum.setDeviceId('storybook');`,
      `  return Leanplum.calls;`,
      `}`,
      ``,
    );
  }
  const utils = f.imports.filter((i) => i.to.role === 'util');
  let k = 0;
  while (out.length + 10 + utils.length + 5 <= target && k < 20) out.push(...helperBlock(f, rng, k++), '');
  out.push(
    `export function ${f.exportName}(input${ann(f, ': unknown')}, fallback = '')${ann(f, ': string')} {`,
    `  if (input === null || input === undefined) {`,
    `    return fallback;`,
    `  }`,
  );
  for (const u of utils)
    out.push(`  if (typeof input === 'object') return ${u.to.exportName}(JSON.stringify(input), fallback);`);
  out.push(
    `  if (typeof input === 'number') {`,
    `    return input.toLocaleString('en-US', { maximumFractionDigits: 2 });`,
    `  }`,
    `  return String(input).trim() || fallback;`,
    `}`,
  );
  return out.toString();
}

function genStore(f, rng) {
  const out = new Out();
  const target = targetLines(rng);
  importLines(f, out);
  out.push('');
  const types = f.imports.filter((i) => i.to.role === 'types');
  const services = f.imports.filter((i) => i.to.role === 'service');
  const T = types.length ? types[0].to.exportName : 'Record<string, unknown>';
  const S = `${pascal(f.exportName)}State`;
  out.push(
    `export interface ${S} {`,
    `  entities: Record<string, ${T}>;`,
    `  selectedId: string | null;`,
    `  lastSync: number;`,
    `  status: 'idle' | 'loading' | 'failed';`,
    `}`,
    ``,
    `type Listener = (state: ${S}) => void;`,
    ``,
    `const initialState: ${S} = {`,
    `  entities: {},`,
    `  selectedId: null,`,
    `  lastSync: 0,`,
    `  status: 'idle',`,
    `};`,
    ``,
  );
  let k = 0;
  while (out.length + 24 + services.length * 2 + 5 <= target && k < 20) out.push(...helperBlock(f, rng, k++), '');
  out.push(
    `let state: ${S} = initialState;`,
    `const listeners = new Set<Listener>();`,
    ``,
    `export const ${f.exportName} = {`,
    `  getState(): ${S} {`,
    `    return state;`,
    `  },`,
    `  setState(patch: Partial<${S}>): void {`,
    `    state = { ...state, ...patch };`,
    `    listeners.forEach((listener) => listener(state));`,
    `  },`,
    `  subscribe(listener: Listener): () => void {`,
    `    listeners.add(listener);`,
    `    return () => listeners.delete(listener);`,
    `  },`,
    `  async hydrate(): Promise<void> {`,
    `    this.setState({ status: 'loading' });`,
  );
  services.forEach((s, i) =>
    out.push(
      `    const rows${i} = await ${s.to.exportName}.fetchAll();`,
      `    this.setState({ entities: Object.fromEntries(rows${i}.map((r: any) => [String(r.id), r])) });`,
    ),
  );
  out.push(
    `    this.setState({ status: 'idle', lastSync: Date.now() });`,
    `  },`,
    `};`,
    ``,
    `export const select${pascal(f.exportName)}Selected = (s: ${S}) => (s.selectedId ? s.entities[s.selectedId] : undefined);`,
  );
  return out.toString();
}

function genTypes(f, rng) {
  const out = new Out();
  const target = Math.min(targetLines(rng), 70);
  importLines(f, out);
  if (out.length) out.push('');
  const fields = rng.shuffle(FIELDS.slice());
  out.push(`export interface ${f.exportName} {`, `  id: string;`);
  for (const fl of fields.slice(0, rng.int(4, 9)))
    if (fl !== 'id')
      out.push(
        `  ${fl}${rng.chance(0.3) ? '?' : ''}: ${fl === 'tags' ? 'string[]' : fl === 'count' || fl === 'amount' ? 'number' : 'string'};`,
      );
  for (const t of f.imports) out.push(`  related?: ${t.to.exportName}[];`);
  out.push(`}`, ``);
  let n = 0;
  while (out.length < target - 4) {
    const name = `${f.exportName}${pascal(rng.pick(['patch', 'filter', 'page', 'event', 'error', 'summary', 'input', 'sort']))}${n++}`;
    out.push(`export type ${name} = {`);
    for (const fl of rng.shuffle(FIELDS.slice()).slice(0, rng.int(2, 6)))
      out.push(`  ${fl}?: ${fl === 'count' ? 'number' : 'string'};`);
    out.push(`};`, ``);
  }
  out.push(`export const ${camel(f.exportName)}Defaults: Partial<${f.exportName}> = {};`);
  return out.toString();
}

function genConsentModule() {
  return `// The app's consent helper: one source of truth for what the user granted in our CMP.
export type Purpose = 'necessary' | 'analytics' | 'marketing' | 'advertising';

const STORAGE_KEY = 'app.consent.v2';

type ConsentState = Partial<Record<Purpose, boolean>>;

let cached: ConsentState | null = null;
const listeners = new Set<(state: ConsentState) => void>();

function load(): ConsentState {
  if (cached) {
    return cached;
  }
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
    cached = raw ? (JSON.parse(raw) as ConsentState) : {};
  } catch {
    cached = {};
  }
  return cached;
}

export function hasConsent(purpose: Purpose): boolean {
  if (purpose === 'necessary') {
    return true;
  }
  return load()[purpose] === true;
}

export function canMarket(): boolean {
  return hasConsent('marketing') && hasConsent('analytics');
}

export function setConsent(next: ConsentState): void {
  cached = { ...load(), ...next };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(cached));
  } catch {
    // storage unavailable (private mode): keep the in-memory state
  }
  listeners.forEach((listener) => listener(cached as ConsentState));
}

export function onConsentChange(listener: (state: ConsentState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
`;
}

function genGlobals() {
  return `// Globals set by the consent-management platforms' script tags.
declare const Cookiebot: {
  consent: { necessary: boolean; preferences: boolean; statistics: boolean; marketing: boolean };
  consented: boolean;
  declined: boolean;
  hasResponse: boolean;
  renew(): void;
};

interface Window {
  OnetrustActiveGroups: string;
  OptanonActiveGroups?: string;
}
`;
}

function genHttpClient() {
  return `export interface HttpOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 15000;

export const httpClient = {
  baseUrl: '',
  token: '' as string | null,
  async send<R>(path: string, init?: HttpOptions | RequestInit): Promise<R> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), DEFAULT_TIMEOUT_MS);
    try {
      const res = await fetch(this.baseUrl + path, {
        ...(init as RequestInit),
        signal: controller.signal,
        headers: {
          'Content-Type': 'application/json',
          ...(this.token ? { Authorization: \`Bearer \${this.token}\` } : {}),
        },
      });
      if (!res.ok) {
        throw new Error(\`HTTP \${res.status} for \${path}\`);
      }
      return (await res.json()) as R;
    } finally {
      clearTimeout(timer);
    }
  },
};
`;
}

function genApp(P) {
  const screens = P.files.filter((f) => f.role === 'screen').slice(0, 6);
  const lines = [`import React from 'react';`];
  for (const s of screens)
    lines.push(`import { ${s.exportName} } from '@/${s.path.slice(4).replace(/\.(tsx?|js)$/, '')}';`);
  lines.push(``, `export default function App() {`, `  return (`, `    <>`);
  for (const s of screens) lines.push(`      <${s.exportName} title="${s.exportName}" />`);
  lines.push(`    </>`, `  );`, `}`);
  return lines.join('\n') + '\n';
}

function fakeNodeModules() {
  return {
    'node_modules/leanplum-sdk/package.json':
      JSON.stringify(
        { name: 'leanplum-sdk', version: '1.9.0', main: 'dist/leanplum.js', types: 'dist/leanplum.d.ts' },
        null,
        2,
      ) + '\n',
    'node_modules/leanplum-sdk/dist/leanplum.d.ts': `export default class Leanplum {\n  static setAppIdForProductionMode(appId: string, accessKey: string): void;\n  static start(userId?: string, callback?: (success: boolean) => void): void;\n  static setDeviceId(deviceId: string): void;\n  static registerForWebPush(serviceWorkerUrl?: string): Promise<boolean>;\n  static isWebPushSupported(): boolean;\n}\n`,
    'node_modules/leanplum-sdk/dist/leanplum.js': `// stub of the bundle: a scanner must not analyse node_modules\nclass Leanplum {\n  static start() { Leanplum._started = true; }\n  static setDeviceId(id) { Leanplum._id = id; }\n}\nfunction selfTest() {\n  Leanplum.start();\n  Leanplum.setDeviceId('x');\n}\nmodule.exports = Leanplum;\nmodule.exports.selfTest = selfTest;\n`,
    'node_modules/@leanplum/react-native-sdk/package.json':
      JSON.stringify({ name: '@leanplum/react-native-sdk', version: '2.4.0', main: 'lib/index.js' }, null, 2) + '\n',
    'node_modules/@leanplum/react-native-sdk/lib/index.js': `const Leanplum = { start() {}, setDeviceId() {}, registerForRemoteNotifications() {} };\nfunction example() {\n  Leanplum.start();\n}\nexports.Leanplum = Leanplum;\nexports.example = example;\n`,
    'node_modules/react/package.json':
      JSON.stringify({ name: 'react', version: '18.3.1', main: 'index.js' }, null, 2) + '\n',
    'node_modules/react/index.js': `module.exports = { useState() {}, useEffect() {}, useMemo() {}, useCallback() {}, useRef() {} };\n`,
    'node_modules/react-native/package.json':
      JSON.stringify({ name: 'react-native', version: '0.74.0', main: 'index.js' }, null, 2) + '\n',
    'node_modules/react-native/index.js': `module.exports = { View: 'View', Text: 'Text', Pressable: 'Pressable', FlatList: 'FlatList', StyleSheet: { create: (s) => s } };\n`,
  };
}

// ------------------------------------------------------------------ main

export function generate(outDir, fileCount, opts = {}) {
  const seed = opts.seed ?? 'consent-lint-bench';
  const sdkEvery = opts.sdkEvery ?? 200;
  const git = opts.git ?? true;
  const nodeModules = opts.nodeModules ?? true;
  const rng = makeRng(`${seed}:${fileCount}:${sdkEvery}`);
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true }); // not timed
  const t0 = process.hrtime.bigint();

  const P = plan(fileCount, rng);
  chooseImports(P, rng);
  const sites = assignScenarios(P, rng, sdkEvery);

  const dirs = new Set();
  for (const f of P.files) dirs.add(dirname(join(outDir, f.path)));
  mkdirSync(outDir, { recursive: true });
  for (const d of [...dirs].sort()) mkdirSync(d, { recursive: true });

  const texts = new Map();
  const allTexts = new Map(); // path -> text, for --inject
  const commitFiles = []; // [path, Buffer] for the git commit
  let bytes = 0;
  let lines = 0;
  const byExt = { ts: 0, tsx: 0, js: 0 };
  for (const f of P.files) {
    let text;
    switch (f.role) {
      case 'component':
      case 'screen':
        text = genComponent(f, rng);
        break;
      case 'hook':
        text = genHook(f, rng);
        break;
      case 'service':
        text = genService(f, rng);
        break;
      case 'util':
        text = genUtil(f, rng);
        break;
      case 'store':
        text = genStore(f, rng);
        break;
      case 'types':
        text = genTypes(f, rng);
        break;
      case 'consent':
        text = genConsentModule();
        break;
      case 'globals':
        text = genGlobals();
        break;
      case 'http':
        text = genHttpClient();
        break;
      case 'app':
        text = genApp(P);
        break;
      default:
        throw new Error(f.role);
    }
    if (f.sdk.some((x) => x.kind === 'host')) texts.set(f, text);
    if (opts.inject) allTexts.set(f.path, text);
    const buf = Buffer.from(text);
    writeFileSync(join(outDir, f.path), buf);
    if (git) commitFiles.push([f.path, buf]);
    bytes += buf.length;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    byExt[f.ext]++;
  }

  // Expected verdicts, with line/column of every SDK call (and the decoy's calls).
  const expectFor = {
    'cookiebot-effect': 'compliant',
    'wrapper-ungated': 'finding',
    'early-return-push': 'compliant',
    'wrapper-canmarket': 'compliant',
    'ungated-deviceid-rn': 'finding',
    'onetrust-deviceid': 'compliant',
    'rn-hasconsent': 'compliant',
    'wrapper-mixed': 'finding',
    'ungated-toplevel': 'finding',
    'onetrust-c0004-push': 'policy',
    'rn-push-early-return': 'compliant',
    'decoy-local-leanplum': 'not-a-sink',
  };
  const RULE = {
    start: 'leanplum/init',
    registerForWebPush: 'leanplum/push',
    registerForRemoteNotifications: 'leanplum/push',
    setDeviceId: 'leanplum/device-id',
  };
  const sinks = [];
  for (const site of sites) {
    const text = texts.get(site.host);
    const ls = text.split('\n');
    ls.forEach((l, i) => {
      const m = /Leanplum\.(start|registerForWebPush|registerForRemoteNotifications|setDeviceId)\(/.exec(l);
      if (!m) return;
      sinks.push({
        file: site.host.path,
        line: i + 1,
        column: m.index + 1,
        call: `Leanplum.${m[1]}`,
        rule: RULE[m[1]],
        scenario: site.scenario,
        expect: expectFor[site.scenario],
        callers: site.callers.map((c) => c.path),
      });
    });
  }
  const count = (e) => sinks.filter((s) => s.expect === e).length;

  const root = (p, text, commit = true) => {
    writeFileSync(join(outDir, p), text);
    if (git && commit && !p.startsWith('node_modules/')) commitFiles.push([p, Buffer.from(text)]);
  };
  root(
    'package.json',
    JSON.stringify(
      {
        name: `bench-app-${fileCount}`,
        private: true,
        version: '1.0.0',
        dependencies: {
          react: '^18.3.1',
          'react-native': '^0.74.0',
          'leanplum-sdk': '^1.9.0',
          '@leanplum/react-native-sdk': '^2.4.0',
        },
      },
      null,
      2,
    ) + '\n',
  );
  root(
    'tsconfig.json',
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          strict: true,
          allowJs: true,
          noEmit: true,
          skipLibCheck: true,
          lib: ['ES2022', 'DOM'],
          paths: { '@/*': ['./src/*'] },
        },
        include: ['src'],
      },
      null,
      2,
    ) + '\n',
  );
  root('consent-lint.config.json', JSON.stringify({ guards: [{ function: 'hasConsent', purposeArgument: 0 }] }) + '\n');
  root('.gitignore', 'node_modules/\ndist/\n');
  let nmFiles = 0;
  if (nodeModules) {
    for (const [p, text] of Object.entries(fakeNodeModules())) {
      mkdirSync(dirname(join(outDir, p)), { recursive: true });
      root(p, text);
      nmFiles++;
    }
  }

  const manifest = {
    generatorVersion: GENERATOR_VERSION,
    seed,
    fileCount,
    sdkEvery,
    sourceFiles: P.files.length,
    byExt,
    bytes,
    lines,
    features: P.features.length,
    imports: P.files.reduce((a, f) => a + f.imports.length, 0),
    aliasImports: P.files.reduce((a, f) => a + f.imports.filter((i) => i.spec.startsWith('@/')).length, 0),
    nodeModulesFiles: nmFiles,
    expected: {
      sinkCalls: sinks.filter((s) => s.expect !== 'not-a-sink').length,
      findings: count('finding'),
      compliant: count('compliant'),
      policyDependent: count('policy'),
      decoyCalls: count('not-a-sink'),
      note: "'policy' = verdict depends on the CMP pack's purpose mapping (OneTrust C0004 -> advertising does not grant leanplum/push's marketing under the spec's example mapping, so most likely a finding).",
    },
    sinks,
  };
  root('.bench-manifest.json', JSON.stringify(manifest, null, 2) + '\n', false);
  if (opts.inject) {
    // SDK call sites, wrappers and gates injected into the finished tree, as into any checkout (bench/inject.mjs).
    const injected = inject(outDir, { sites: opts.inject, seed, files: allTexts });
    Object.assign(manifest, recordInjection(outDir, injected, { seed, sites: opts.inject }));
    const at = new Map(commitFiles.map(([p], i) => [p, i]));
    for (const [p, text] of injected.changed) commitFiles[at.get(p)] = [p, Buffer.from(text)];
  }
  const genMs = Number(process.hrtime.bigint() - t0) / 1e6;

  let gitMs = 0;
  if (git) {
    // One commit, written as a single pack by `git fast-import` (git add of 50k files
    // writes 50k loose objects: several times slower), then the index read from it.
    const g0 = process.hrtime.bigint();
    const git = (args, input) => {
      const r = spawnSync('git', args, { cwd: outDir, input, encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr || r.error}`);
      return r.stdout;
    };
    git(['init', '-q', '-b', 'main']);
    writeFileSync(join(outDir, '.git', 'info', 'exclude'), '.bench-manifest.json\n');
    const chunks = [];
    commitFiles.forEach(([, buf], i) => {
      chunks.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${buf.length}\n`), buf, Buffer.from('\n'));
    });
    const msg = `bench tree: ${fileCount} files, seed ${seed}\n`;
    const head = `commit refs/heads/main\ncommitter bench <bench@example.invalid> 1767225600 +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    chunks.push(Buffer.from(head + commitFiles.map(([p], i) => `M 100644 :${i + 1} ${p}\n`).join('') + '\n'));
    git(['fast-import', '--quiet', '--done'], Buffer.concat([...chunks, Buffer.from('done\n')]));
    git(['read-tree', 'HEAD']);
    git(['update-index', '-q', '--refresh']);
    gitMs = Number(process.hrtime.bigint() - g0) / 1e6;
  }
  return { manifest, genMs, gitMs };
}

function main(argv) {
  const pos = [];
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') opts.seed = argv[++i];
    else if (a === '--sdk-every') opts.sdkEvery = Number(argv[++i]);
    else if (a === '--inject') opts.inject = Number(argv[++i]);
    else if (a === '--no-git') opts.git = false;
    else if (a === '--no-node-modules') opts.nodeModules = false;
    else if (a === '-h' || a === '--help') {
      console.log(
        'usage: node bench/generate.mjs <outDir> <fileCount: 1000|1k|10k|50k> [--seed S] [--sdk-every N] [--inject SITES] [--no-git] [--no-node-modules]',
      );
      return 0;
    } else pos.push(a);
  }
  if (pos.length !== 2) {
    console.error(
      'usage: node bench/generate.mjs <outDir> <fileCount> [--seed S] [--sdk-every N] [--inject SITES] [--no-git] [--no-node-modules]',
    );
    return 2;
  }
  if (opts.inject !== undefined && !(opts.inject >= 1)) {
    console.error('--inject needs a number of sites >= 1');
    return 2;
  }
  if (opts.sdkEvery !== undefined && !(opts.sdkEvery >= 1)) {
    console.error('--sdk-every needs a number >= 1');
    return 2;
  }
  const outDir = resolve(pos[0]);
  const n = parseSize(pos[1]);
  const { genMs, gitMs } = generate(outDir, n, opts);
  const m = JSON.parse(readFileSync(join(outDir, '.bench-manifest.json'), 'utf8'));
  console.log(
    `generated ${m.sourceFiles} source files (${m.byExt.ts} .ts, ${m.byExt.tsx} .tsx, ${m.byExt.js} .js; ` +
      `${(m.bytes / 1048576).toFixed(1)} MiB, ${m.lines} lines, ${m.imports} imports, ${m.aliasImports} via @/) in ${outDir}\n` +
      `  SDK calls: ${m.expected.sinkCalls} (expected findings ${m.expected.findings}, compliant ${m.expected.compliant}, policy-dependent ${m.expected.policyDependent}), decoy calls ${m.expected.decoyCalls}\n` +
      `  ${(genMs / 1000).toFixed(2)} s to write` +
      (gitMs ? `, ${(gitMs / 1000).toFixed(2)} s for git init/add/commit` : ''),
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
export { parseSize };
