#!/usr/bin/env node
// The `otklik` binary (package.json "bin"): loads tsx from this package, then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main();
