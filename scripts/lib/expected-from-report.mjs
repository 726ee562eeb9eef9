// Turns a broker check report (the JSON of qoscope.checkBroker, as scripts/check-broker --json or
// tests/e2e/check_limited.test.mjs save it) into the expected table that
// tests/e2e/check_limited.test.mjs compares runs with, printed on stdout:
//
//   node scripts/lib/expected-from-report.mjs target/e2e-artifacts/check-limited-mosquitto.json \
//     [--pass-or-warn ID@VERSION,...] > tests/e2e/expected/check-limited-mosquitto.json
//
// Each result becomes `"ID@VERSION": { "verdict": ... }`; a skip gets its `seen` text as its
// "reason" (shorten it by hand to the words that name the limit). The checks named with
// --pass-or-warn get ["pass", "warn"] (for verdicts that depend on timing). A failed check is
// written with its check's rule as "rule": keep it only after checking by hand that the broker
// breaks that rule (then say so in README.md's verdict table), and cut the rule to the MUST. A
// result that found a limit keeps it as "limit" (value, unit, at_least): check each value against
// the broker's config by hand, and where a time budget decides it, write "min" for "value".
import { readFile } from 'node:fs/promises';

const USAGE = 'usage: node scripts/lib/expected-from-report.mjs REPORT.json [--pass-or-warn ID@VERSION,...]';

const args = process.argv.slice(2);
let file;
const lenient = new Set();
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--pass-or-warn' && args[i + 1] !== undefined) {
    args[++i].split(',').filter(Boolean).forEach((key) => lenient.add(key));
  } else if (!args[i].startsWith('-') && file === undefined) {
    file = args[i];
  } else {
    console.error(USAGE);
    process.exit(2);
  }
}
if (file === undefined) {
  console.error(USAGE);
  process.exit(2);
}

const report = JSON.parse(await readFile(file, 'utf8'));
if (!Array.isArray(report.results)) {
  console.error(`${file} is not a check report: it has no "results" list`);
  process.exit(2);
}
const table = {};
for (const { id, version, verdict, seen, limit } of report.results) {
  const key = `${id}@${version}`;
  if (lenient.has(key) && (verdict === 'pass' || verdict === 'warn')) {
    table[key] = { verdict: ['pass', 'warn'] };
    lenient.delete(key);
  } else if (verdict === 'skipped') {
    table[key] = { verdict, reason: seen };
  } else if (verdict === 'fail') {
    table[key] = { verdict, rule: report.results.find((r) => `${r.id}@${r.version}` === key).rule };
  } else {
    table[key] = { verdict };
  }
  if (limit) table[key].limit = { value: limit.value, unit: limit.unit, at_least: limit.at_least };
}
for (const key of lenient) console.error(`warning: --pass-or-warn ${key}: no such result passed or warned`);
const failed = report.results.filter((result) => result.verdict === 'fail').length;
if (failed) console.error(`warning: ${failed} check(s) failed in this report: check each against the spec before keeping it`);
// One check a line, as the table is kept.
const verdictText = (verdict) =>
  Array.isArray(verdict) ? `[${verdict.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(verdict);
const entry = ({ verdict, reason, rule, limit }) => {
  const found = limit === undefined ? '' : `, "limit": ${JSON.stringify(limit).replaceAll(',', ', ').replaceAll(':', ': ')}`;
  if (rule !== undefined) return `{ "verdict": ${verdictText(verdict)}, "rule": ${JSON.stringify(rule)}${found} }`;
  return reason === undefined
    ? `{ "verdict": ${verdictText(verdict)}${found} }`
    : `{ "verdict": ${verdictText(verdict)}, "reason": ${JSON.stringify(reason)}${found} }`;
};
const lines = Object.entries(table).map(([key, value]) => `  ${JSON.stringify(key)}: ${entry(value)}`);
process.stdout.write(lines.length ? `{\n${lines.join(',\n')}\n}\n` : '{}\n');
