import type { INodeProperties } from 'n8n-workflow';

export interface CustomFieldsOptions {
	/** What is custom, in the labels: e.g. "Custom Role", "Custom Mode". */
	label: string;
	/** When the fields show: only for the custom choice. */
	show: Record<string, string[]>;
	rows: number;
	/** The one field the example schema asks for (a valid schema, so the editor never opens on an error). */
	exampleField: string;
	promptHint?: string;
	schemaHint?: string;
}

/** An agent's own prompt and output schema, shown only when the user chose Custom. */
export function customPromptFields(o: CustomFieldsOptions): INodeProperties[] {
	const example = `{\n  "type": "object",\n  "properties": {\n    "${o.exampleField}": { "type": "string" }\n  },\n  "required": ["${o.exampleField}"]\n}`;
	return [
		{
			displayName: `System Prompt (${o.label})`,
			name: 'systemPrompt',
			type: 'string',
			typeOptions: { rows: o.rows },
			default: '',
			required: true,
			displayOptions: { show: o.show },
			...(o.promptHint ? { description: o.promptHint } : {}),
		},
		{
			displayName: `Output JSON Schema (${o.label})`,
			name: 'jsonSchema',
			type: 'json',
			default: example,
			required: true,
			displayOptions: { show: o.show },
			...(o.schemaHint ? { description: o.schemaHint } : {}),
		},
	];
}
