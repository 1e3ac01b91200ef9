#!/usr/bin/env node
// istioctl entry point: wiring only.
import { runIstioctl } from '../cli/index.js';

const code = await runIstioctl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
process.exitCode = code;
