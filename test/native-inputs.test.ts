/**
 * What the native stage reads. Without a native source or declaration file there is
 * nothing to check JavaScript declaration triggers against, so nothing is read (and
 * the scan loads none of the native analysis); with one, the trigger files come along.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveredFile } from '../src/model.js';
import { nativeInputs } from '../src/native/inputs.js';
import { resolvePolicies } from '../src/policy/index.js';

const file = (relPath: string, text: string): DiscoveredFile => ({ relPath, absPath: `/app/${relPath}`, text });

describe('native inputs', () => {
  const policies = resolvePolicies(undefined);
  const trigger = file('src/att.ts', "import { requestTrackingPermissionsAsync } from 'expo-tracking-transparency';\n");
  const plain = file('src/app.ts', 'export const x = 1;\n');

  it('a JavaScript-only project: nothing native to read', () => {
    expect(nativeInputs([trigger, plain], policies)).toEqual({ files: [], native: false });
  });

  it('with a declaration file: it and the files that name a trigger', () => {
    const appJson = file('app.json', '{"expo":{}}\n');
    expect(nativeInputs([trigger, plain, appJson], policies)).toEqual({ files: [trigger, appJson], native: true });
  });
});
