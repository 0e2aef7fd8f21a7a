#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';

const app = new App();
try {
  buildApp(app);
} catch (e) {
  // Configuration mistakes (unknown stage, bad override) deserve one clear line, not a stack trace.
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
