// The headless side of scripts/check-broker: serves dist/, opens it in headless Chromium, runs
// qoscope.checkBroker(target, options) in the page, prints each verdict as it comes, writes the
// reports asked for, and exits 1 if any check failed.
import { writeFile } from 'node:fs/promises';
import { DIST_DIR, launchBrowser } from '../../tests/e2e/support/browser.mjs';
import { serveDist } from '../../tests/e2e/support/server.mjs';

const USAGE = `usage: scripts/check-broker <ws://host:port/path | wss://… | simulated> [--junit FILE] [--json FILE]
       [--markdown FILE] [--html FILE] [--version 3.1.1|5.0|both] [--no-heavy]
       [--negative | --no-negative] [--only ID|TAG,...] [--skip ID|TAG,...]
       [--topic-prefix PREFIX] [--username NAME] [--profile NAME] [--fault NAME]...
       scripts/check-broker --list
--only and --skip take check ids and tags (negative, limits, v5, heavy, paho); --list prints
every check with its versions and tags. Negative tests (malformed packets) run by default
against loopback and the simulated broker only; --negative runs them against any broker.
The password, if the broker needs one, comes from the environment variable QOSCOPE_CHECK_PASSWORD.`;

function parseArgs(argv) {
  const args = { target: undefined, list: false, files: {}, options: { faults: [] } };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--junit': args.files.junit = value(); break;
      case '--json': args.files.json = value(); break;
      case '--markdown': args.files.markdown = value(); break;
      case '--html': args.files.html = value(); break;
      case '--list': args.list = true; break;
      case '--negative': args.options.negative = true; break;
      case '--no-negative': args.options.negative = false; break;
      case '--skip': args.options.skip = value().split(',').filter(Boolean); break;
      case '--version': {
        const version = value();
        if (!['3.1.1', '5.0', 'both'].includes(version)) throw new Error(`--version must be 3.1.1, 5.0 or both, not ${version}`);
        args.options.versions = version === 'both' ? ['3.1.1', '5.0'] : [version];
        break;
      }
      case '--no-heavy': args.options.heavy = false; break;
      case '--only': args.options.only = value().split(',').filter(Boolean); break;
      case '--topic-prefix': args.options.topicRoot = value(); break;
      case '--username': args.options.username = value(); break;
      case '--fault': args.options.faults.push(value()); break;
      case '--profile': args.options.profile = value(); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
        if (args.target) throw new Error(`one target only (got ${args.target} and ${arg})`);
        args.target = arg;
    }
  }
  if (!args.target && !args.list) throw new Error('give the broker URL (ws://… or wss://…) or "simulated"');
  if (process.env.QOSCOPE_CHECK_PASSWORD) args.options.password = process.env.QOSCOPE_CHECK_PASSWORD;
  return args;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`check-broker: ${err.message}\n${USAGE}`);
  process.exit(2);
}

// Credentials in clear text across a network deserve a word before they go.
if ((args.options.username || args.options.password) && args.target?.startsWith('ws://')) {
  const host = new URL(args.target).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    console.error(`warning: the credentials will cross the network unencrypted (ws://) to ${host}; use wss:// unless this network is yours`);
  }
}

/** Runs the checks in `page`, prints each verdict and writes the reports; the exit code. */
async function runChecks(page) {
  await page.exposeFunction('qoscopeCheckStart', (announcement) => console.log(announcement));
  await page.exposeFunction('qoscopeCheckProgress', (done, total, result) => {
    const verdict = result.verdict.toUpperCase().padEnd(7);
    console.log(`${String(done).padStart(3)}/${total} ${verdict} ${result.id} (${result.version}): ${result.seen}`);
  });
  const run = await page.evaluate(async ({ target, options }) => {
    try {
      const result = await window.qoscope.checkBroker(target, {
        ...options,
        onStart: (announcement) => window.qoscopeCheckStart(announcement),
        onResult: (done, total, result) => window.qoscopeCheckProgress(done, total, result),
      });
      return { ok: true, ...result };
    } catch (err) {
      return { ok: false, error: String(err.message ?? err) };
    }
  }, { target: args.target, options: args.options });
  if (!run.ok) {
    console.error(`check-broker: ${run.error}`);
    return 2;
  }
  const { summary } = run.report;
  for (const [format, file] of Object.entries(args.files)) {
    await writeFile(file, run[format]);
    console.log(`wrote ${format} report to ${file}`);
  }
  // What the broker declared, per version: every verdict above was judged against it.
  for (const { version, declares } of run.report.declared) {
    console.log(`MQTT ${version}: ${declares.length ? declares.join('; ') : 'declares no limits'}`);
  }
  // Spec coverage: of the MUST statements binding the server, what this run exercised.
  for (const c of run.report.coverage) {
    console.log(`MQTT ${c.version} spec coverage: ${c.total} server MUST statements; ${c.exercised} exercised (${c.passed} passed, ${c.failed} failed); ${c.not_exercised} not exercised; ${c.not_testable} not testable from a client; ${c.not_covered} not covered yet`);
    for (const s of c.statements.filter((s) => s.status === 'failed')) {
      console.log(`  failed: [${s.id}] ${s.text} (failed by ${s.failed_by.join(', ')})`);
    }
  }
  console.log(`${run.report.target}: ${summary.pass} pass, ${summary.fail} fail, ${summary.warn} warn, ${summary.skipped} skipped (topics under ${run.report.topic_root}/)`);
  return summary.fail > 0 ? 1 : 0;
}

const server = await serveDist(DIST_DIR);
const browser = await launchBrowser();
let exitCode = 2;
try {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => typeof window.qoscope?.checkBroker === 'function', null, { timeout: 30_000 });
  if (args.list) {
    process.stdout.write(await page.evaluate(() => window.qoscope.checkList()));
    exitCode = 0;
  } else {
    exitCode = await runChecks(page);
  }
} catch (err) {
  console.error(`check-broker: ${err.stack ?? err}`);
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode);
