import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/alerts');

/** A sender's documented payload from test/fixtures/alerts (a fresh copy each call). */
export function alertFixture(name: string): Record<string, any> {
	return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
}

export function alertFixtureText(name: string): string {
	return readFileSync(join(DIR, `${name}.json`), 'utf8');
}
