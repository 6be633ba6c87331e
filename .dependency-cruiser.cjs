/**
 * Import boundaries of consent-lint (`npm run lint` runs `depcruise src`).
 * docs/architecture.md explains the stages; this file is what enforces them.
 *
 * The pipeline's stages, upstream first:
 *
 *   discover -> parse -> program -> sinks -> flow -> guards -> proof -> report
 *
 * `program` is the shared program model: Project (scripts parsed on demand,
 * module resolution), scopes, the Resolver, tsconfig paths, and the AST
 * helpers (src/program/). Every stage may import src/model.ts (the data that
 * crosses boundaries) and the program layer; besides those, a stage imports
 * only the upstream stages declared for it below, never a downstream one.
 * Reporters read only the result document (model). Only the entry points
 * (src/cli, src/commands, and src/index.ts, the library API) import the
 * pipeline and the reporters.
 */

/** The program layer. */
const PROGRAM = '^src/program/';
const MODEL = '^src/model\\.ts$';

/** Each stage's folder, and the upstream stages it may import (besides model and program). */
const stages = {
  // Whether a file's code is minified needs the lexer (src/lexer), before any parse.
  discover: ['lexer'],
  parse: [],
  // The program layer reads tsconfig files through discover's guarded reader and knows its ignore lists;
  // script code kept in a template string needs the lexer (which `${…}` lie inside the code's quoted strings).
  program: ['parse', 'discover', 'lexer'],
  sinks: [],
  flow: [],
  // Script blocking reads which elements of a page load a file (parse/html).
  guards: ['sinks', 'flow', 'parse'],
  proof: ['sinks', 'flow', 'guards'],
  // report: see report-reads-only-the-result-document below.
};

/** Supporting modules outside the stage chain, and what each may import. */
const support = {
  // The one small JavaScript lexer (comments, strings, templates, regexes): it imports nothing of ours.
  lexer: [],
  // Policies and config: JSON validated by schemas; errors are ConfigError.
  // Policy and config files are read through discover's guarded reader (and git, for the repository root).
  policy: ['discover'],
  // Inline suppression directives and baselines: functions of the result document.
  // Directives come from the parser's own comments (one position model); a script Babel gave up on, from the lexer.
  suppress: ['parse', 'lexer'],
  baseline: ['policy'],
  // The analysis cache records what the program layer read; its files are read through the guarded reader.
  cache: ['discover'],
};

const folder = (name) => `^src/${name}/`;
const stagePath = (name) => (name === 'program' ? PROGRAM : folder(name));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a DAG: a cycle makes the stage order meaningless.',
      from: {},
      // Type-only imports vanish at run time (a type in one file naming another's is not a cycle).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model.ts holds the types that cross stage boundaries; it imports no other module of ours.',
      from: { path: MODEL },
      to: { path: '^src/', pathNot: MODEL },
    },
    ...Object.entries(stages).map(([stage, upstream]) => ({
      name: `stage-${stage}`,
      severity: 'error',
      comment:
        `The ${stage} stage imports only model, the program layer` +
        (upstream.length ? ` and its upstream stages ${upstream.join(', ')}` : '') +
        '.',
      from: { path: stagePath(stage), ...(stage === 'program' ? {} : { pathNot: PROGRAM }) },
      to: {
        path: '^src/',
        pathNot: [MODEL, PROGRAM, stagePath(stage), ...upstream.map(stagePath)],
      },
    })),
    {
      name: 'report-reads-only-the-result-document',
      severity: 'error',
      comment:
        'Reporters are pure functions of the result document: they import model types and each other, nothing else of ours.',
      from: { path: folder('report') },
      to: { path: '^src/', pathNot: [MODEL, folder('report')] },
    },
    ...Object.entries(support).map(([name, allowed]) => ({
      name: `support-${name}`,
      severity: 'error',
      comment: `src/${name} imports only model, the program layer${allowed.length ? ` and ${allowed.join(', ')}` : ''}.`,
      from: { path: folder(name) },
      to: {
        path: '^src/',
        pathNot: [MODEL, PROGRAM, folder(name), ...allowed.map((a) => `^src/${a.includes('/') ? a : `${a}/`}`)],
      },
    })),
    {
      name: 'entry-points-only-run-the-pipeline-and-report',
      severity: 'error',
      comment:
        'Only the CLI, the oclif commands and the library API (src/index.ts) import the pipeline and the reporters.',
      from: { pathNot: ['^src/(cli|commands|report)/', '^src/index\\.ts$'] },
      to: { path: ['^src/report/', '^src/pipeline\\.ts$'] },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI and the commands are the outermost layer.',
      from: { path: '^src/', pathNot: '^src/(cli|commands)/' },
      to: { path: '^src/(cli|commands)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves (a typo or a missing dependency fails here, not at run time). src/policy loads ' +
        'the validators compiled at build time when present (dist/policy/validators.cjs, named as ../policy/ so the ' +
        'path holds from dist/bundle/ too), else compiles the schemas.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^\\.\\./policy/validators\\.cjs$' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'The published package must not need a devDependency at run time.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'Every package imported is declared in package.json.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are boundaries too (they are how model types travel).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
