// Mocha reporter for CI: prints the usual spec output and also writes a JUnit XML file to $JUNIT_REPORT, so that
// the Maven build (which runs `hardhat test` in the chain module's test phase) counts contract tests next to the
// Java ones in bin/test's summary line.
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

function xmlEscape(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 forbids most control characters, which can appear in assertion messages about bytes
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "?");
}

class JUnitSpecReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const cases = [];
    const started = Date.now();
    const record = (test, outcome, err) =>
      cases.push({ suite: test.parent ? test.parent.fullTitle() : "", name: test.title, ms: test.duration || 0, outcome, err });
    runner.on(EVENT_TEST_PASS, (t) => record(t, "pass"));
    runner.on(EVENT_TEST_FAIL, (t, err) => record(t, "fail", err));
    runner.on(EVENT_TEST_PENDING, (t) => record(t, "skip"));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.JUNIT_REPORT;
      if (out) {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, render(cases, (Date.now() - started) / 1000));
      }
    });
  }
}

function render(cases, seconds) {
  const failures = cases.filter((c) => c.outcome === "fail").length;
  const skipped = cases.filter((c) => c.outcome === "skip").length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="contracts (hardhat test)" tests="${cases.length}" failures="${failures}" errors="0" ` +
      `skipped="${skipped}" time="${seconds.toFixed(3)}">`,
  ];
  for (const c of cases) {
    const head = `  <testcase classname="${xmlEscape(c.suite)}" name="${xmlEscape(c.name)}" time="${(c.ms / 1000).toFixed(3)}"`;
    if (c.outcome === "pass") {
      lines.push(head + "/>");
    } else if (c.outcome === "skip") {
      lines.push(head + "><skipped/></testcase>");
    } else {
      const message = c.err && c.err.message ? c.err.message : String(c.err);
      const stack = c.err && c.err.stack ? c.err.stack : message;
      lines.push(head + `><failure message="${xmlEscape(message)}">${xmlEscape(stack)}</failure></testcase>`);
    }
  }
  lines.push("</testsuite>", "");
  return lines.join("\n");
}

module.exports = JUnitSpecReporter;
