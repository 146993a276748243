/**
 * The shipped workflow files, read and filled in the way an operator does it in the editor:
 * the Configuration node's fields, or a named node's parameters. Used by the demo, the
 * benchmark and the end-to-end tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './n8n-instance.ts';

export interface WorkflowNode {
	name: string;
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface Workflow extends Record<string, unknown> {
	id: string;
	name: string;
	nodes: WorkflowNode[];
}

/** A file under workflows/, parsed (a fresh copy on every call). */
export function readWorkflow(file: string): Workflow {
	return JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as Workflow;
}

export function nodeNamed(workflow: Workflow, name: string): WorkflowNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
	return node;
}

/** Sets fields of the workflow's Configuration node (a Set node); returns the workflow. */
export function configure(workflow: Workflow, values: Record<string, unknown>): Workflow {
	const assignments = nodeNamed(workflow, 'Configuration').parameters.assignments.assignments as Array<{ name: string; value: unknown }>;
	for (const [name, value] of Object.entries(values)) {
		const field = assignments.find((a) => a.name === name);
		if (!field) throw new Error(`workflow "${workflow.name}": Configuration has no field "${name}"`);
		field.value = value;
	}
	return workflow;
}
