/**
 * The whole-project text searches' shared prefilter: a file the prefilter pass
 * drops must be one no exact search could match. Checked against the plain
 * searches they replace, on random texts built from the literals themselves
 * (whole, cut, case-changed, glued to their neighbours).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiscoveredFile } from '../src/model.js';
import { parseFile } from '../src/parse/index.js';
import { importStem, Project } from '../src/program/project.js';
import { escapeRegExp, literalPrefilter, tokenRegExp } from '../src/program/text.js';
import { argumentsQueues, chosenGlobalCalls, seedFiles, seedTokens, projectOptions } from '../src/pipeline.js';
import { resolvePolicies } from '../src/policy/index.js';
import { languageOf } from '../src/native/parsers.js';
import { isDeclarationFile, isExpoCodeConfig } from '../src/native/declarations.js';

const TOKENS = [
  'leanplum',
  'Leanplum',
  'lean',
  'AF(',
  'UA.then',
  'appsFlyer',
  'AppsFlyerSdkObject',
  '__tcfapi',
  'a$b',
  'x',
  'consent-lint-disable',
  'İx',
  'ſt',
  'K',
];

/** Texts made of pieces of the tokens (prefixes, suffixes, case flips) and filler. */
const textArb = (tokens: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...tokens),
        fc.constantFrom(...tokens).chain((t) => fc.nat(t.length).map((k) => t.slice(0, k))),
        fc.constantFrom(...tokens).chain((t) => fc.nat(t.length).map((k) => t.slice(k))),
        fc.constantFrom(...tokens).map((t) => t.toUpperCase()),
        fc.constantFrom(...tokens).map((t) => t.toLowerCase()),
        fc.constantFrom(' ', '\n', '.', '(', '$', 'a', 'é', '\u0130', 'k', 'S'),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

describe('literalPrefilter', () => {
  it('matches every text that contains one of its literals', () => {
    fc.assert(
      fc.property(fc.subarray(TOKENS, { minLength: 1 }), fc.array(textArb(TOKENS), { maxLength: 6 }), (lits, texts) => {
        const re = literalPrefilter(lits)!;
        for (const text of texts) if (lits.some((l) => text.includes(l))) expect(re.test(text), text).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is undefined for no literal or an empty one', () => {
    expect(literalPrefilter([])).toBeUndefined();
    expect(literalPrefilter(['a', ''])).toBeUndefined();
  });
});

function projectOf(texts: string[], searchLiterals: string[]): Project {
  const files = new Map<string, DiscoveredFile>(
    texts.map((text, i) => [`f${i}.ts`, { absPath: `/virtual/f${i}.ts`, relPath: `f${i}.ts`, text }]),
  );
  return new Project('/virtual', files, parseFile, { searchLiterals });
}

describe('Project.filesMatching', () => {
  it('finds exactly the files a plain search over every file finds, in file order', () => {
    fc.assert(
      fc.property(
        fc.subarray(TOKENS, { minLength: 1 }),
        fc.subarray(TOKENS, { minLength: 1 }),
        fc.array(textArb(TOKENS), { maxLength: 8 }),
        fc.boolean(),
        (registered, searched, texts, bounded) => {
          const project = projectOf(texts, registered);
          // An exact search whose every match contains one of `searched`; word-bounded or not.
          const alt = searched.map(escapeRegExp).join('|');
          const re = new RegExp(bounded ? `(?:^|\\W)(?:${alt})` : alt);
          const plain = [...project.files.keys()].filter((rel) => re.test(project.files.get(rel)!.text));
          expect(project.filesMatching(re, searched)).toEqual(plain);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives the seed files of a plain token search with the built-in policies', () => {
    const policies = resolvePolicies(undefined);
    const tokens = policies.filter((p) => p.rules.length).flatMap((p) => p.tokens);
    fc.assert(
      fc.property(
        fc.array(
          textArb([
            ...tokens.slice(0, 40),
            'Cookiebot',
            'consent-lint-disable',
            // A call on a global chosen at run time (`window[k].start`, `self[k]['start']`), in pieces.
            'window[',
            'self[',
            'k]',
            "'k']",
            '.start',
            "['start']",
          ]),
          { maxLength: 8 },
        ),
        (texts) => {
          const files = new Map<string, DiscoveredFile>(
            texts.map((text, i) => [`f${i}.ts`, { absPath: `/virtual/f${i}.ts`, relPath: `f${i}.ts`, text }]),
          );
          const project = new Project('/virtual', files, parseFile, projectOptions(policies, undefined));
          // Every seed literal: the policies' tokens and the names seedTokens adds (config plugins' options
          // such as `googleAnalytics`, host objects), and the argument queues.
          const seedLiterals = [...seedTokens(project, policies), ...argumentsQueues(policies).map((q) => q.global)];
          const re = new RegExp(seedLiterals.map(escapeRegExp).join('|'));
          const chosen = chosenGlobalCalls(policies)!;
          expect(seedFiles(project, policies)).toEqual(
            [...files.keys()].filter((rel) => re.test(files.get(rel)!.text) || chosen.test(files.get(rel)!.text)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a file calling the method of an SDK global on a global chosen at run time is a seed', () => {
    const chosen = chosenGlobalCalls(resolvePolicies(undefined))!;
    for (const text of [
      'window[name].start()',
      'self[n]["start"]()',
      'globalThis[a + b]?.start()',
      'global[k] . start',
    ])
      expect(chosen.test(text), text).toBe(true);
    // A literal key names its global (a token when it is an SDK's); no SDK method; a key with brackets inside.
    for (const text of [
      "window['Leanplum'].start()",
      'window[name].render()',
      'window[name].started',
      'mywindow[k].start',
    ])
      expect(chosen.test(text), text).toBe(false);
  });

  it('a build config naming a preset that bundles an SDK plugin is a seed, its options in another module or not', () => {
    // Docusaurus `presets: [['classic', presets.classic]]`, the `gtag` option in presets.js: the
    // config file itself holds the sink, and mentions no SDK name (survey5: pumpkiinbell/blog).
    const policies = resolvePolicies(undefined);
    const text = (relPath: string, body: string): [string, DiscoveredFile] => [
      relPath,
      { absPath: `/virtual/${relPath}`, relPath, text: body },
    ];
    const files = new Map<string, DiscoveredFile>([
      text(
        'config/index.js',
        "const presets = require('./presets');\nmodule.exports = { presets: [['classic', presets.classic]] };",
      ),
      text('config/presets.js', "module.exports = { classic: { gtag: { trackingID: 'G-1' } } };"),
      text('src/theme.js', "export const themes = ['classic-dark'];"),
    ]);
    const project = new Project('/virtual', files, parseFile, projectOptions(policies, undefined));
    expect(seedFiles(project, policies)).toEqual(['config/index.js', 'config/presets.js']);
  });

  it('seeds are searched among the census files only: every seed literal is a census literal', () => {
    // A seed literal the census lacks sends the seed search over every file of the project.
    const policies = resolvePolicies(undefined);
    const options = projectOptions(policies, undefined);
    const project = new Project('/virtual', new Map(), parseFile, options);
    const census = new Set(options.searchLiterals!.map((l) => l.toLowerCase()));
    const seeds = [...seedTokens(project, policies), ...argumentsQueues(policies).map((q) => q.global)];
    expect(seeds.filter((l) => !census.has(l.toLowerCase()))).toEqual([]);
    expect(seeds).toContain('dataLayer');
  });
});

describe('tokenRegExp', () => {
  it('matches a two-letter name as a word (as text, `ga` is in nearly every file), longer tokens anywhere', () => {
    const re = tokenRegExp(['ga', 'leanplum', 'x'])!;
    for (const hit of ["ga('create')", 'window.ga(x)', 'const t = ga;', 'my leanplumSdk'])
      expect(re.test(hit), hit).toBe(true);
    for (const miss of ['page', 'saga(x)', 'omega', 'ga_id', 'x']) expect(re.test(miss), miss).toBe(false);
  });

  it('matches every text in which a token of three or more characters, or a two-letter word, occurs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('ga', 'AF', 'lean', 'a$b'), { minLength: 1 }),
        textArb([...TOKENS, 'ga', 'saga', 'ga_', 'AF']),
        (tokens, text) => {
          const re = tokenRegExp(tokens)!;
          const word = (t: string) => new RegExp(`(?<![\\w])${escapeRegExp(t)}(?![\\w])`);
          const want = tokens.some((t) => (t.length === 2 ? word(t).test(text) : text.includes(t)));
          expect(re.test(text)).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('importStem', () => {
  const old = (path: string) =>
    path
      .replace(/\/+$/, '')
      .split('/')
      .pop()!
      .replace(/\.[^.]*$/, '');
  it('is the last path segment without its extension, as the regular expressions computed it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('/', '.', 'a', 'b', 'index', '..', '@', 'x.ts'), { maxLength: 10 }),
        (parts) => {
          const path = parts.join('');
          expect(importStem(path)).toBe(old(path));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('per-file name tests without regular expressions', () => {
  const pathArb = fc
    .array(
      fc.constantFrom(
        '/',
        '.',
        'a',
        'kt',
        'kts',
        'java',
        'swift',
        'm',
        'mm',
        'plist',
        'xml',
        'json',
        'Info',
        'res',
        'values',
        'app',
        'config',
        'js',
      ),
      { maxLength: 9 },
    )
    .map((p) => p.join(''));
  it('languageOf, isDeclarationFile and isExpoCodeConfig decide as their regular expressions did', () => {
    const lang: Record<string, string> = {
      kt: 'kotlin',
      kts: 'kotlin',
      java: 'java',
      swift: 'swift',
      m: 'objc',
      mm: 'objc',
    };
    const base = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1);
    fc.assert(
      fc.property(pathArb, (rel) => {
        expect(languageOf(rel)).toBe(lang[/\.([^./]+)$/.exec(rel)?.[1] ?? '']);
        const b = base(rel);
        expect(isDeclarationFile(rel)).toBe(
          b === 'Info.plist' ||
            b === 'AndroidManifest.xml' ||
            b === 'app.json' ||
            b === 'app.config.json' ||
            b === 'pubspec.yaml' ||
            /(^|\/)res\/values[^/]*\/[^/]+\.xml$/.test(rel),
        );
        expect(isExpoCodeConfig(rel)).toBe(/^(?:.*\/)?app\.config\.(?:js|ts|mjs|cjs)$/.test(rel));
      }),
      { numRuns: 20000 },
    );
  });
});
