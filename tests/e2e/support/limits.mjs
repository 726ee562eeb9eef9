// Limits a broker check run found, compared with an expected table. An expected limit is
//   { "value": 65520, "unit": "bytes", "at_least": false }
// or, where the value found depends on how fast the broker is (a search bounded in time),
//   { "min": 262144, "unit": "bytes", "at_least": true }
// which the value found must reach.

/** What is wrong with `found` (a result's `limit`, or undefined) against `expected`, or null. */
export function limitProblem(expected, found) {
  if (!expected && !found) return null;
  if (!expected) return `reports the limit ${JSON.stringify(found)}, which the table lacks`;
  if (!found) return `reports no limit; the table expects ${JSON.stringify(expected)}`;
  const wrong = [];
  if (found.unit !== expected.unit) wrong.push(`unit ${found.unit}, expected ${expected.unit}`);
  if (found.at_least !== expected.at_least) wrong.push(`at_least ${found.at_least}, expected ${expected.at_least}`);
  if ('value' in expected && found.value !== expected.value) wrong.push(`value ${found.value}, expected ${expected.value}`);
  if ('min' in expected && !(found.value >= expected.min)) wrong.push(`value ${found.value}, expected at least ${expected.min}`);
  if (!('value' in expected) && !('min' in expected)) wrong.push('the table gives neither "value" nor "min"');
  return wrong.length ? `limit ${found.name}: ${wrong.join('; ')}` : null;
}
