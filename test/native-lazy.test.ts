/**
 * Grammars load only when native files exist: a JavaScript-only scan loads
 * neither the tree-sitter runtime nor any grammar (this file runs in its own
 * module context, so nothing else loaded them first).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadedLanguages } from '../src/native/parsers.js';

describe('native parsers load lazily', () => {
  it('a JavaScript-only app loads no grammar; a native app loads only the languages it has', async () => {
    await scan({ root: join(__dirname, '..', 'fixtures', 'engine', 'interprocedural-rn') });
    expect(loadedLanguages()).toEqual([]);
    await scan({ root: join(__dirname, '..', 'fixtures', 'native', 'rn-clevertap-ungated') });
    expect(loadedLanguages().sort()).toEqual(['java', 'objc']);
  });
});
