#!/usr/bin/env node
import { OnhandError } from '../domain/codes.js';
import { main } from './commands.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof OnhandError) console.error(`onhand: ${error.message}`);
    else console.error(`onhand: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
