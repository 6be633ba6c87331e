import { programFromSource } from './fromSource.js';
import { compare, annotate } from './compare.js';
const M = 'Cookiebot.consent.marketing', A = 'Cookiebot.consent.statistics', PUSH = 'Leanplum.registerForWebPush()', START = 'Leanplum.start()';
const fn = (b: string) => `function main(x, xs) {\n${b}\n}`;
const probes = [
  fn(`if (!${M}) {\ntry { return; } catch (e) {}\n}\n${PUSH};`),
  fn(`try {} catch (e) {\n${PUSH};\n}`),
  fn(`return;\n${PUSH};`),
  fn(`while (ready) {\nif (!${M}) { try { continue; } catch (e) {} }\n${PUSH};\n}`),
  fn(`try { return; } finally { if (!${M}) return; }\n${PUSH};`),
  fn(`try { if (!${M}) return; work(); } catch (e) {\n${PUSH};\n}`),
  fn(`do {\n${PUSH};\n} while (${M});`),
  fn(`outer: while (ready) {\ntry { if (!${M}) break outer; } finally {\n${PUSH};\n}\n${START};\n}`),
  `if (!${M}) throw new Error();\n${START};`,
  fn(`for (const item of xs) {\nif (!${M}) return;\n}\n${PUSH};`),
  fn(`if (!${M}) { for (;;) {} }\n${PUSH};`.replace('for (;;) {}', 'while (ready) {}')),
];
for (const src of probes) {
  const c = compare(programFromSource(src), { readsThrow: true });
  console.log(annotate(c), c.problems, '\n');
}
