#!/usr/bin/env node
// The `modal-setup` command of the npm package: runs the native binary that npm installed
// from the one optional dependency matching this machine (@modal-setup/<os>-<cpu>), with
// the same arguments, stdin, stdout and stderr, and ends as it ended (its exit code, or
// its signal). No install script and no download: without the platform's package it says so.
"use strict";

const path = require("path");
const { spawn } = require("child_process");

const PLATFORMS = require("../platforms.json");

/** The platform package for `platform`/`arch` (process.platform, process.arch), or null. */
function packageFor(platform, arch) {
  const entry = PLATFORMS[`${platform} ${arch}`];
  return entry ? entry.package : null;
}

/** Where the binary is, or an Error saying what to do. */
function findBinary(platform, arch) {
  const name = packageFor(platform, arch);
  if (!name) {
    const known = Object.keys(PLATFORMS).join(", ");
    return new Error(
      `modal-setup has no binary for ${platform} ${arch} (there are binaries for ${known}); ` +
        "build it from a checkout of its repository with `cargo install --locked --path .`",
    );
  }
  const exe = platform === "win32" ? "modal-setup.exe" : "modal-setup";
  try {
    return path.join(path.dirname(require.resolve(`${name}/package.json`)), "bin", exe);
  } catch {
    return new Error(
      `${name}, which holds modal-setup's binary for ${platform} ${arch}, is not installed. ` +
        "It is an optional dependency: it is missing when it was never published (nothing is " +
        "published yet), when optional dependencies were skipped (--omit=optional, " +
        "--no-optional), or when the lockfile was made on another platform. " +
        `Check with \`npm ls ${name}\`, then reinstall.`,
    );
  }
}

function main() {
  const binary = findBinary(process.platform, process.arch);
  if (binary instanceof Error) {
    process.stderr.write(`error: ${binary.message}\n`);
    process.exit(1);
  }
  const child = spawn(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: false });
  // Ctrl-C at a terminal reaches the whole process group, the binary included, which restores
  // the terminal and exits 130: this process must outlive it to pass that on. A signal sent
  // to this process alone is forwarded.
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"].filter(
    (s) => !(process.platform === "win32" && s !== "SIGINT"),
  );
  for (const signal of signals) process.on(signal, forward(signal));
  child.on("error", (error) => {
    process.stderr.write(`error: could not run ${binary}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // End by the same signal, as a shell expects (128 + its number).
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code);
  });
}

if (require.main === module) {
  main();
}

module.exports = { packageFor, findBinary };
