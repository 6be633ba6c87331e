// Build step: compile the policy and config JSON Schemas to standalone
// validator code once (as dependency-cruiser does), so a scan does not pay
// ajv's schema compilation (~100 ms) on every run. src/policy falls back to
// compiling at run time when this file is absent (tests run from src/).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

// CJS interop: the default export is the function itself under Node, `.default` under bundlers.
const standaloneCode = /** @type {typeof standaloneModule.default} */ (standaloneModule.default ?? standaloneModule);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: false } });
for (const kind of ['policy', 'config']) {
  ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', `${kind}.schema.json`), 'utf8')), kind);
}
const out = join(root, 'dist', 'policy', 'validators.cjs');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, standaloneCode(ajv, { policy: 'policy', config: 'config' }));
console.log(`compiled schemas -> ${out}`);
