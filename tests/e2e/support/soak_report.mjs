// The chaos soak's report (target/e2e-artifacts/soak.json, written by tests/e2e/soak.test.mjs) as
// a Markdown table. Run directly it prints the table of a report file:
//   node tests/e2e/support/soak_report.mjs [target/e2e-artifacts/soak.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HEADER = ['cell', 'messages', 'cuts', 'reconnects', 'lost', 'duplicates', 'failed (by code)',
  'resolved, never arrived', 'unsettled', 'seconds', 'heap MiB before→after', 'wasm MiB before→after', 'result'];

const shown = (value) => (value === null || value === undefined ? '-' : value);

/** The report's cells as a Markdown table, with a line naming the run. */
export function formatTable({ cells = [], totalSeconds, seed, messagesPerCell, cutIntervalMs }) {
  const rows = cells.map((c) => {
    const codes = Object.entries(c.failedByCode ?? {}).map(([code, count]) => `${code} ${count}`).join(', ');
    return [
      c.id, c.messages, c.cuts, c.reconnects, shown(c.lost), shown(c.duplicates),
      codes ? `${c.failed} (${codes})` : shown(c.failed),
      shown(c.resolvedNeverArrived), shown(c.unsettled), shown(c.seconds),
      `${shown(c.heapMiB?.before)}→${shown(c.heapMiB?.after)}`, `${shown(c.wasmMiB?.before)}→${shown(c.wasmMiB?.after)}`,
      c.result,
    ];
  });
  return [
    `soak: ${shown(messagesPerCell)} messages per cell, relay seed ${shown(seed)}, cuts every ` +
      `${cutIntervalMs?.join('-') ?? '?'} ms, total ${shown(totalSeconds)} s`,
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? 'target/e2e-artifacts/soak.json';
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`soak report: cannot read ${file}: ${error.message}`);
    process.exit(2);
  }
  console.log(formatTable(report));
  for (const cell of report.cells ?? []) {
    if (cell.failure) console.log(`\n${cell.id} (seed ${cell.seed}) failed: ${cell.failure.split('\n')[0]}`);
  }
}
