import { it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';
it('dbg', async () => {
  const root = process.env.DBG_ROOT!;
  const { document } = await scan({ root, config: loadConfigFile(root + '/consent-lint.config.json') });
  for (const f of document.findings) console.log(f.file, f.line, f.missing.join(','), f.trace.map((h) => `${h.line}:${h.label}`).join(' -> '));
  console.log(document.errors);
});
