// `npm run validate`: the Flow Library's scorecard for this package, computed by node-red-dev's own
// check modules (what `node-red-dev validate -p .` runs). The stock command stops at its first
// request to catalogue.nodered.org when that host cannot be reached (a closed network, CI here);
// this script makes that request with a deadline and, when it fails, reports the checks that need
// the catalogue as NOT RUN (never as passed) while every other check runs exactly as
// node-red-dev runs it. P06, P07, D02 and D03 ask the npm registry.
//
// Exit status: 0 when every check that ran passed or is a failure the README explains (BY_DESIGN),
// 1 otherwise.

const path = require('node:path');

const root = path.join(__dirname, '..');
const libs = path.join(root, 'node_modules', 'node-red-dev', 'src', 'libs');
const CATALOGUE_HOST = 'catalogue.nodered.org';
const REQUEST_TIMEOUT_MS = 20000;
const OVERALL_TIMEOUT_MS = 240000;

const CHECKS = {
  P01: 'has a license',
  P03: 'names a repository or a bugs URL',
  P04: 'a valid (ideally scoped) package name',
  P05: 'keywords include node-red',
  P06: 'node-red.version matches a current Node-RED release',
  P07: "engines.node admits the latest Node-RED's minimum Node.js",
  P08: 'no similarly named package in the Flow Library',
  N01: 'node type names unique in the Flow Library',
  N02: 'an example flow for every node (config nodes aside)',
  D01: 'at most 6 dependencies',
  D02: 'no known-incompatible package in the dependency tree',
  D03: 'dependencies at their latest versions',
};
/**
 * Checks whose verdict depends on what the npm registry publishes that day, not on this tree: a
 * failure is shown as a warning to act on, never turned into a failed run (so CI does not fail the
 * day some dependency releases a new major).
 */
const REGISTRY_DAY_CHECKS = ['D03'];
/** Checks that need the Flow Library catalogue. */
const CATALOGUE_CHECKS = ['P08', 'N01'];
/**
 * Failures this package accepts, each explained in the README ("Flow Library scorecard"): why,
 * and for D03 the one dependency it may name.
 */
const BY_DESIGN = {
  P03: { why: 'no public repository yet' },
  D01: { why: 'the database, LINE, Telegram, socket.io and express SDKs are the product' },
  D03: { why: 'express stays on 4.x, the major Node-RED runs on', packages: ['express'] },
};

/** The reason a failed check is accepted, or undefined. */
function byDesign(code, result) {
  const accepted = BY_DESIGN[code];
  if (!accepted) return undefined;
  if (accepted.packages && !(result.packages ?? []).every((name) => accepted.packages.includes(name))) return undefined;
  return accepted.why;
}

// node-red-dev's HTTP client: give every request a deadline, and answer the catalogue request,
// when the host cannot be reached, with an empty catalogue whose checks are then reported NOT RUN.
const axios = require(require.resolve('axios', { paths: [libs] }));
axios.defaults.timeout = REQUEST_TIMEOUT_MS;
const realGet = axios.get.bind(axios);
let catalogueError;
let catalogue;
axios.get = (url, config) => {
  if (new URL(url).hostname !== CATALOGUE_HOST) return realGet(url, config);
  catalogue ??= realGet(url, config).catch((err) => {
    catalogueError = err;
    return { data: { modules: [] } };
  });
  return catalogue;
};

const checkpackage = require(path.join(libs, 'checkpackage'));
const checknodes = require(path.join(libs, 'checknodes'));
const checkdeps = require(path.join(libs, 'checkdeps'));

/** node-red-dev's messages, as the oclif command would print them. */
const cli = {
  errors: [],
  log: (line) => console.log(`  ${line}`),
  warn: (line) => console.log(`  ⚠ ${line}`),
  error: (err) => {
    cli.errors.push(err);
    console.log(`  ✖ ${err instanceof Error ? err.message : String(err)}`);
  },
};

async function main() {
  const deadline = setTimeout(() => {
    console.error(`validate: not finished within ${OVERALL_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  const scorecard = {};
  await checkpackage(root, cli, scorecard, false);
  await checknodes(root, cli, scorecard, false);
  await checkdeps(root, cli, scorecard, false);
  clearTimeout(deadline);

  console.log('\nFlow Library scorecard');
  let failed = cli.errors.length > 0;
  for (const [code, what] of Object.entries(CHECKS)) {
    const result = scorecard[code];
    let verdict;
    if (CATALOGUE_CHECKS.includes(code) && catalogueError) {
      verdict = `NOT RUN (${CATALOGUE_HOST} unreachable: ${catalogueError.code ?? catalogueError.message})`;
    } else if (result === undefined) {
      verdict = 'ERROR (the check did not run; see above)';
      failed = true;
    } else if (result.test) {
      verdict = 'pass';
    } else if (byDesign(code, result)) {
      verdict = `fail, by design: ${byDesign(code, result)}`;
    } else if (REGISTRY_DAY_CHECKS.includes(code)) {
      verdict = `WARNING: newer releases on the registry today (${(result.packages ?? []).join(', ')}); upgrade or name them in BY_DESIGN`;
    } else {
      verdict = 'FAIL';
      failed = true;
    }
    console.log(`  ${code}  ${what.padEnd(56)} ${verdict}`);
  }
  console.log(failed ? '\nvalidate: FAILED' : '\nvalidate: every check that could run passed, or fails by design (README)');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
