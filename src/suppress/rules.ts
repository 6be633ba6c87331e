/**
 * consent-lint's own rules, about suppression directives. They are reported as
 * ordinary findings (so they show in every format, fail the run at error level,
 * and can be explained with `consent-lint explain`), not as analysis errors:
 * nothing failed to be analysed, the directive itself is wrong.
 */
import type { RuleSpec } from '../model.js';

export const INVALID_DIRECTIVE = 'consent-lint/invalid-directive';
export const UNUSED_DIRECTIVE = 'consent-lint/unused-directive';

export const directiveRules: RuleSpec[] = [
  {
    id: INVALID_DIRECTIVE,
    description:
      'A consent-lint-disable-next-line directive must name the rule(s) it suppresses and give a reason after `--`. A directive without a reason (or naming no or unknown rules) suppresses nothing and is reported.',
    severity: 'error',
    requires: [],
    message: 'Invalid suppression directive',
    legalBasis:
      'GDPR Art. 5(2) and Art. 7(1) (accountability: the controller must be able to demonstrate that consent precedes processing); a suppression is such a claim and needs its justification next to it.',
    docs: 'Write the directive on the line before the call: `// consent-lint-disable-next-line leanplum/init -- consent collected by the native layer`. In JSX use `{/* consent-lint-disable-next-line leanplum/init -- reason */}`. Several rules are separated by commas. The reason after `--` is required.',
    sinks: [],
    examples: {
      nonCompliant: '// consent-lint-disable-next-line leanplum/init\nLeanplum.start();',
      compliant:
        '// consent-lint-disable-next-line leanplum/init -- consent is collected by the native app before this web view loads\nLeanplum.start();',
    },
  },
  {
    id: UNUSED_DIRECTIVE,
    description:
      'A suppression directive that suppresses no finding (the call was fixed, moved, or the rule id is wrong) is reported so that stale justifications do not accumulate.',
    severity: 'warn',
    requires: [],
    message: 'Unused suppression directive',
    legalBasis: 'GDPR Art. 5(2) (accountability): documented exceptions should match the code they justify.',
    docs: 'Delete the directive, or move it to the line directly above the SDK call it justifies (a directive applies to the next line only).',
    sinks: [],
    examples: {
      nonCompliant:
        "// consent-lint-disable-next-line leanplum/push -- opt-in screen\nif (hasConsent('marketing')) Leanplum.registerForWebPush();",
      compliant: "if (hasConsent('marketing')) Leanplum.registerForWebPush();",
    },
  },
];
