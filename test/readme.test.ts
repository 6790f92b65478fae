import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { SETTINGS } from '../src/config/settings.js';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

it('README lists every configuration variable', () => {
  for (const s of SETTINGS) expect(readme, s.env).toContain(`| \`${s.env}\``);
});

it('README shows every CLI command with an example', () => {
  for (const command of buildProgram().commands) {
    expect(readme, command.name()).toContain(`### \`lambda-iot ${command.name()}\``);
    expect(readme, command.name()).toMatch(new RegExp(`npx lambda-iot ${command.name()}\\b`));
  }
});
