import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse/index.js';
import { pageLoads } from '../src/parse/html.js';

const html = (text: string) => parseFile({ absPath: '/x/index.html', relPath: 'index.html', text });

describe('scripts a consent manager blocks', () => {
  it('parses text/plain scripts marked by a CMP, keeping their attributes', () => {
    const f = html(
      [
        '<script type="text/plain" data-cookieconsent="statistics, marketing">Leanplum.start();</script>',
        '<script type="text/plain" class="x optanon-category-C0002-C0004">a();</script>',
        '<script type="text/plain" data-type="application/javascript" data-name="leanplum">b();</script>',
        '<script type="text/plain" data-category="analytics">c();</script>',
      ].join('\n'),
    );
    expect(f.errors).toEqual([]);
    expect(f.scripts.map((s) => [s.kind, s.code.trim(), s.attributes?.type])).toEqual([
      ['script', 'Leanplum.start();', 'text/plain'],
      ['script', 'a();', 'text/plain'],
      ['script', 'b();', 'text/plain'],
      ['script', 'c();', 'text/plain'],
    ]);
    expect(f.scripts[0].attributes!['data-cookieconsent']).toBe('statistics, marketing');
  });

  it('leaves other text/plain blocks (templates, data) alone', () => {
    const f = html(
      '<script type="text/plain" data-template="row"><tr>{{x}}</tr></script>\n<script type="text/plain">not js at all</script>\n<script type="text/plain" data-name="x">{{y}}</script>',
    );
    expect(f.scripts).toEqual([]);
    expect(f.errors).toEqual([]);
  });

  it('lists external scripts and iframes with their attributes', () => {
    const loads = pageLoads(
      '<script type="text/plain" data-cookieconsent="marketing" src="js/t.js"></script><iframe data-cookieblock-src="embed.html" data-cookieconsent="marketing"></iframe><iframe src="https://youtube.com/x"></iframe>',
    );
    expect(loads.map((l) => [l.tag, l.src])).toEqual([
      ['script', 'js/t.js'],
      ['iframe', 'embed.html'],
      ['iframe', 'https://youtube.com/x'],
    ]);
  });
});
