// ESLint (flat config): typescript-eslint's type-aware recommended + strict
// sets over the TypeScript sources, tests and tool configs; the plain-JS
// scripts get ESLint's recommended rules (no types). Layout is Prettier's job
// (`npm run format`, which also applies ESLint's safe fixes), so no stylistic
// rules here. Every rule turned off or tuned says why.
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const typed = [...tseslint.configs.recommendedTypeChecked, ...tseslint.configs.strictTypeChecked].map((c) => ({
  ...c,
  files: ['**/*.ts'],
}));

/**
 * Functions over complexity 20 that stay as they are for now, with the ceiling
 * each file may not exceed (a ratchet: lower it when a function is split).
 * They live in files other branches are rewriting or moving; splitting them
 * there would only conflict. Owners: lead (pipeline, proof, sinks -> program),
 * hostile-input (discover, suppress/comments), integrations (cli), bench.
 */
const complexityCeilings = {
  'src/pipeline.ts': 29,
  'src/proof/index.ts': 35,
  'src/proof/labels.ts': 35,
  'src/sinks/index.ts': 33,
  'src/{sinks,program}/resolve.ts': 42,
  'src/discover/match.ts': 26,
  'src/suppress/comments.ts': 42,
  'src/cli/info.ts': 35,
  'bench/generate.mjs': 29,
  'bench/run.mjs': 29,
  // The property-test oracle, generator and printers are one switch over the
  // statement grammar each, kept whole on purpose: an oracle must be readable
  // as a single reference semantics next to the grammar it covers.
  'test/property/{fromSource,gen,oracle,print}.ts': 44,
};

/**
 * Findings in files owned by other branches, left to their owners (none of
 * them is fixed by `npm run format`). Delete an entry once its file is clean;
 * `npm run lint` then holds it clean.
 */
const pendingInOtherBranches = {
  // Left by the merge of the stage branches, each to fix where its file is next touched (a ratchet:
  // delete an entry when its files are clean).
  '@typescript-eslint/no-unsafe-class-instance-assignment': ['src/cli/fix.ts'],
  '@typescript-eslint/no-unused-expressions': [
    'src/cli/fix.ts',
    'src/cli/why-paths.ts',
    'src/guards/writes.ts',
    'test/robustness/entries.test.ts',
  ],
  '@typescript-eslint/no-dynamic-delete': [
    'src/discover/git.ts',
    'test/package.test.ts',
    'test/robustness/helpers.ts',
    'test/support/package-clone.ts',
  ],
  '@typescript-eslint/no-unnecessary-type-assertion': ['src/native/ir.ts'],
  '@typescript-eslint/no-unsafe-enum-assignment': ['src/policy/document.ts'],
  '@typescript-eslint/require-await': ['test/fix.test.ts'],
  '@typescript-eslint/restrict-template-expressions': ['test/property/guard-values.property.test.ts'],
  '@typescript-eslint/no-require-imports': ['test/robustness/files.test.ts'],
  '@typescript-eslint/restrict-plus-operands': ['test/robustness/files.test.ts'],
  '@typescript-eslint/no-unnecessary-type-conversion': [
    'src/cli/{io,version,output}.ts',
    'src/pipeline.ts',
    'src/discover/git.ts',
    'test/support/actions-runner.ts',
  ],
  '@typescript-eslint/no-unsafe-argument': ['src/cache/index.ts'],
  '@typescript-eslint/no-unsafe-member-access': ['src/cache/index.ts'],
  '@typescript-eslint/no-unsafe-return': ['src/{sinks,program}/tsconfig.ts', 'test/config-extends.test.ts'],
  'no-useless-assignment': ['src/discover/index.ts', 'src/discover/git.ts'],
  'preserve-caught-error': ['src/discover/index.ts'],
  '@typescript-eslint/no-unused-vars': ['src/report/json.ts'],
  'no-fallthrough': ['bench/run.mjs'],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'fixtures/**', 'bench/trees/**', '.consent-lint-cache/**'],
  },
  eslint.configs.recommended,
  ...typed,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `x!` states an invariant the types cannot (a map entry set a line earlier,
      // a graph node id from the same graph); spelling each as a throw adds code
      // without adding a check. noUncheckedIndexedAccess is off for the same reason.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers in messages (`3 findings`, `line 12`) are the normal case.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // The flow-graph builder and the AST walkers dispatch with `return this.visit(x)`
      // from void methods: the value is void on purpose.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // With noUncheckedIndexedAccess off, `args[i]` and `record[key]` are typed as
      // always present, so this rule calls the bounds checks the AST walkers need
      // (`const a = call.arguments[1]; if (a) ...`) "unnecessary"; following its
      // advice would introduce crashes on short argument lists. Validated JSON
      // (policies, config, baselines) is likewise typed as trusted while the code
      // still defends against hand-edited files.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      // A warning for now: the merged stages carry functions over 20 (listed by `npm run lint:eslint`); split them as they are touched.
      complexity: ['warn', 20],
      // This tool reads terminal output and binary sniffing on purpose: ANSI
      // escapes (\x1b) and NUL bytes in regular expressions are the point.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests parse the CLI's JSON output (`any`) and assert on its shape; the
      // assertions are the type check.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Parsed nodes share their script's positions under `loc` (src/parse/compact.ts): a position is read
    // through `locOf(node)`, which computes it. The Vue compiler's own AST (parse/vue.ts) is not Babel's.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/parse/vue.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='loc'], ObjectPattern > Property[key.name='loc']",
          message:
            "Read a node's position with locOf(node) (src/parse/compact.ts): `loc` holds the script's shared positions.",
        },
      ],
    },
  },
  ...Object.entries(complexityCeilings).map(([file, max]) => ({
    files: [file],
    rules: { complexity: ['warn', max] },
  })),
  ...Object.entries(pendingInOtherBranches).map(([rule, files]) => ({ files, rules: { [rule]: 'off' } })),
);
