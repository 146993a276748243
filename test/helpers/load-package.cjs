// Loads an installed copy of the package the way n8n's loader does (require each file that
// package.json's n8n block lists, instantiate its class) on whatever Node runs this script, and
// prints JSON: the node and credential type names, the milliseconds it took, and every built-in
// SQLite module requested while loading. Plain CommonJS so that Node 20 runs it as it is.
// Usage: node load-package.cjs <package folder>   (NODE_PATH must reach an n8n-workflow)
const Module = require('node:module');
const { join } = require('node:path');

const requested = [];
const isSqlite = (id) => /^(node:)?sqlite$/.test(id);
const load = Module._load;
Module._load = function (request, ...rest) {
	if (isSqlite(request)) requested.push(request);
	return load.call(this, request, ...rest);
};
const getBuiltin = process.getBuiltinModule;
if (getBuiltin) {
	process.getBuiltinModule = (id) => {
		if (isSqlite(id)) requested.push(id);
		return getBuiltin(id);
	};
}

const folder = process.argv[2];
const { n8n } = require(join(folder, 'package.json'));
require('n8n-workflow'); // n8n has it loaded already: time only this package
const started = process.hrtime.bigint();
const types = [...n8n.nodes, ...n8n.credentials].map((file) => {
	const exported = require(join(folder, file));
	const instance = new (Object.values(exported)[0])();
	return (instance.description ?? instance).name;
});
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(
	JSON.stringify({ node: process.version, types, ms: Math.round(ms), sqliteRequested: requested }),
);
