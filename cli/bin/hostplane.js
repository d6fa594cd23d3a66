#!/usr/bin/env node
// The `hostplane` command: the CLI compiled by `tsc -b cli` into cli/dist.
import '../dist/main.js';
