import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';

const root = join(__dirname, '..', 'fixtures', 'engine', 'interprocedural-rn');

describe('traces', () => {
  it('lists every hop from the unguarded entry to the sink, across files', async () => {
    const { document } = await scan({ root, config: loadConfigFile(join(root, 'consent-lint.config.json')) });
    const f = document.findings.find((x) => x.file === 'src/lp.ts' && x.line === 6)!;
    expect(f.trace.map((h) => `${h.file}:${h.line}:${h.column} ${h.label}`)).toEqual([
      'index.js:1:1 module top level',
      'index.js:4:39 AppRegistry.registerComponent callback',
      'index.js:4:45 reference to App',
      'src/App.tsx:9:13 useEffect callback',
      'src/App.tsx:10:5 initLeanplum()',
      'src/lp.ts:6:3 Leanplum.start()',
    ]);
    expect(f.missing).toEqual(['analytics', 'marketing']);
    expect(f.dependsOn).toEqual(['index.js', 'src/App.tsx', 'src/lp.ts']);
    expect(f.identity).toEqual({ path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 });
  });

  it('a shared wrapper is traced through its unguarded caller, not the guarded one', async () => {
    const { document } = await scan({ root, config: loadConfigFile(join(root, 'consent-lint.config.json')) });
    const f = document.findings.find((x) => x.file === 'src/lp.ts' && x.line === 50)!;
    expect(f.trace.map((h) => h.label)).toEqual([
      'unguardedCaller (entry: not referenced in the scanned project)',
      'sharedWrapper()',
      'Leanplum.registerForRemoteNotifications()',
    ]);
  });
});
