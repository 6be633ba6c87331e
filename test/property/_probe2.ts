import { programFromSource } from './fromSource.js';
import { compare, annotate } from './compare.js';
const M = 'Cookiebot.consent.marketing', A = 'Cookiebot.consent.statistics', PUSH = 'Leanplum.registerForWebPush()', START = 'Leanplum.start()';
const fn = (b: string) => `function main(x, xs) {\n${b}\n}`;
const probes = [
  fn(`if (!${M}) {\ntry { switch (x) {} return; } catch (e) {}\n}\n${PUSH};`),
  fn(`if (!${M}) {\ntry { for (const item of xs) {} return; } catch (e) {}\n}\n${PUSH};`),
  fn(`if (!${M}) {\ntry { while (true) { return; } } catch (e) {}\n}\n${PUSH};`),
  fn(`if (!${M}) {\ntry { outer: { break outer; } return; } catch (e) {}\n}\n${PUSH};`),
  fn(`if (!${M}) {\ntry { throw new Error(); } catch (e) { return; }\n}\n${PUSH};`),
  fn(`if (!${M}) {\ntry { return; } finally { }\n}\n${PUSH};`),
  fn(`try { if (!${M}) return; } finally {\n${PUSH};\n}`),
  fn(`if (!${M}) {\ntry { return; } catch (e) {}\n}\n${PUSH};`),
  `if (!${M}) {\ntry { switch (x) {} throw new Error(); } catch (e) { throw e; }\n}\n${PUSH};`,
];
for (const src of probes) {
  const c = compare(programFromSource(src), { readsThrow: true });
  console.log(annotate(c), c.problems, '\n');
}
