/**
 * TypeScript's checker (ts-morph) loads only when a receiver needs it: a scan
 * whose SDK receivers all resolve syntactically never loads it (this file runs
 * in its own module context, so nothing else loaded it first).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource, scan } from '../src/index.js';
import { typeCheckerLoads } from '../src/program/types.js';

describe('typed receivers', () => {
  it('load ts-morph only for a receiver only its type resolves, once per scan', async () => {
    await scan({ root: join(__dirname, '..', 'fixtures', 'soundness', 'value-flow') });
    await scan({ root: join(__dirname, '..', 'fixtures', 'soundness', 'flow-types') });
    expect(typeCheckerLoads()).toBe(0);
    const { document } = await scan({ root: join(__dirname, '..', 'fixtures', 'soundness', 'typed-receivers') });
    expect(typeCheckerLoads()).toBe(1);
    expect(document.findings.length).toBeGreaterThan(10);
  });

  it('a look-alike typed by its own interface is not the SDK; the same shape typed by the SDK is', () => {
    const code = (type: string) => `
      import Leanplum from 'leanplum-sdk';
      interface Engine { start(): void }
      interface Deps { lp: ${type} }
      export function boot(d: Deps) { d.lp.start(); }
      export const keep = Leanplum;`;
    expect(checkSource(code('Engine')).findings.map((f) => f.ruleId)).toEqual([]);
    expect(checkSource(code('typeof Leanplum')).findings.map((f) => f.ruleId)).toEqual(['leanplum/init']);
    expect(typeCheckerLoads()).toBe(3);
  });

  it('receivers whose declared type cannot be the SDK do not load it (arrays, other packages, platform globals)', () => {
    const before = typeCheckerLoads();
    const code = `
      import Leanplum from 'leanplum-sdk';
      import type { Router } from 'vue-router';
      import type { ActivatedRoute } from '@angular/router';
      export class Page {
        constructor(private route: ActivatedRoute) {}
        go(router: Router, items: string[], e: Event, a: any) {
          router.push('/');
          items.push('x');
          e.stop();
          a.start();
          this.route.params.subscribe(() => {});
        }
      }
      export const keep = Leanplum;`;
    expect(checkSource(code).findings).toEqual([]);
    expect(typeCheckerLoads()).toBe(before);
  });

  it("a member named like a global SDK's command (`ga('send')`, `_gaq` `_trackEvent`) is no type query", () => {
    const before = typeCheckerLoads();
    const code = `
      import Leanplum from 'leanplum-sdk';
      import { socket, repository } from './api';
      export function save(item: { id: string }) {
        socket.send(item.id);
        repository.insert(item);
        return repository._trackEvent;
      }
      export const keep = Leanplum;`;
    expect(checkSource(code).findings).toEqual([]);
    expect(typeCheckerLoads()).toBe(before);
  });

  it('a JavaScript file is never given to the checker', () => {
    const before = typeCheckerLoads();
    const js = `
      import Leanplum from 'leanplum-sdk';
      export function boot(d) { d.lp.start(); }
      export const keep = Leanplum;`;
    expect(checkSource(js, { file: 'app.js' }).findings).toEqual([]);
    expect(typeCheckerLoads()).toBe(before);
  });
});
