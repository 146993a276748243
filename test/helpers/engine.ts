/**
 * Runs workflows in n8n's real execution engine (n8n-core's WorkflowExecute), in process.
 * Nodes execute exactly as in n8n: parameters resolved by the expression engine, credentials
 * fetched through a credentials helper, continueOnFail and errors handled by the engine.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { AgentMetrics } from '../../nodes/AgentMetrics/AgentMetrics.node.ts';
import { AlertIntake } from '../../nodes/AlertIntake/AlertIntake.node.ts';
import { Coordinator } from '../../nodes/Coordinator/Coordinator.node.ts';
import { EvidenceFetch } from '../../nodes/EvidenceFetch/EvidenceFetch.node.ts';
import { PrReview } from '../../nodes/PrReview/PrReview.node.ts';
import { TokenBudget } from '../../nodes/TokenBudget/TokenBudget.node.ts';
import { SpecialistAgent } from '../../nodes/SpecialistAgent/SpecialistAgent.node.ts';
import { outputShapeV1 } from '../../nodes/shared/n8n/output-shapes.v1.ts';
import { z } from 'zod/v4';

/** Emits the items given to the run: the stand-in for a trigger. */
class TestInput implements INodeType {
	description = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const NODE_TYPES: Record<string, INodeType> = {
	'n8n-nodes-agent-swarm.specialistAgent': new SpecialistAgent(),
	'n8n-nodes-agent-swarm.coordinator': new Coordinator(),
	'n8n-nodes-agent-swarm.agentMetrics': new AgentMetrics(),
	'n8n-nodes-agent-swarm.tokenBudget': new TokenBudget(),
	'n8n-nodes-agent-swarm.evidenceFetch': new EvidenceFetch(),
	'n8n-nodes-agent-swarm.prReview': new PrReview(),
	'n8n-nodes-agent-swarm.alertIntake': new AlertIntake(),
	'test.input': new TestInput(),
};

const nodeTypes: INodeTypes = {
	getByName: (type) => NODE_TYPES[type],
	getByNameAndVersion: (type) => NODE_TYPES[type],
	getKnownTypes: () => ({}),
} as INodeTypes;

class TestCredentials extends ICredentialsHelper {
	private readonly data: Record<string, ICredentialDataDecryptedObject>;

	constructor(data: Record<string, ICredentialDataDecryptedObject>) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, options: never) {
		return options;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}
	async getDecrypted(_a: unknown, _n: unknown, type: string) {
		return this.data[type];
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return [];
	}
}

/**
 * Every run holds every item our nodes put out to the node's v1 output shape
 * (nodes/shared/n8n/output-shapes.v1.ts): an output change that would break saved v1
 * workflows fails whichever engine test produced it.
 */
export function checkOutputShapes(step: ChainStep, outputs: Array<INodeExecutionData[] | null>): void {
	const type = NODE_TYPES[`n8n-nodes-agent-swarm.${step.type}`];
	const declared = type.description.properties.find((p) => p.name === 'operation')?.default as string | undefined;
	const operation = (step.parameters.operation as string | undefined) ?? declared;
	outputs.forEach((items, output) =>
		(items ?? []).forEach((item, i) => {
			const checked = outputShapeV1(step.type, operation, output).safeParse(item.json);
			if (!checked.success) {
				throw new Error(`${step.name} (${step.type} ${operation ?? ''}) output ${output} item ${i} is not the v1 shape:\n${z.prettifyError(checked.error)}\n${JSON.stringify(item.json).slice(0, 600)}`);
			}
		}),
	);
}

export interface EngineRun {
	run: IRun;
	/** Output items of the last node (first output), or undefined when it did not finish. */
	items: INodeExecutionData[] | undefined;
	/** Output items of every node in the chain, by node name. */
	outputs: Record<string, INodeExecutionData[] | undefined>;
	error: (Error & { description?: string; context?: Record<string, unknown> }) | undefined;
	wallMs: number;
}

export interface ChainStep {
	name: string;
	type: 'specialistAgent' | 'coordinator' | 'agentMetrics' | 'tokenBudget' | 'evidenceFetch' | 'prReview' | 'alertIntake';
	/** Node parameters as in workflow JSON. */
	parameters: Record<string, unknown>;
	continueOnFail?: boolean;
}

export interface RunOptions {
	parameters: Record<string, unknown>;
	items: INodeExecutionData['json'][];
	/** Binary data of the input items, by item (e.g. an export file under `data`). */
	binary?: Array<INodeExecutionData['binary']>;
	credentials: ICredentialDataDecryptedObject;
	redisCredentials?: ICredentialDataDecryptedObject;
	/** n8n's own Anthropic credential (`anthropicApi`), for nodes set to use it. */
	n8nAnthropicCredentials?: ICredentialDataDecryptedObject;
	/** Other credentials by type (e.g. agentSwarmGitHubApi), given to every node of the chain. */
	extraCredentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** Aborts the execution after this many ms, like a user pressing stop. */
	cancelAfterMs?: number;
}

export function runSpecialistNode(options: RunOptions): Promise<EngineRun> {
	return runChain({
		...options,
		chain: [{ name: 'Specialist Agent', type: 'specialistAgent', parameters: options.parameters, continueOnFail: options.continueOnFail }],
	});
}

/** Input → step 1 → step 2 ... in n8n's engine; returns every node's output. */
export async function runChain(options: Omit<RunOptions, 'parameters' | 'continueOnFail'> & { chain: ChainStep[] }): Promise<EngineRun> {
	const nodes: INode[] = [
		{ id: '0', name: 'Input', type: 'test.input', typeVersion: 1, position: [0, 0], parameters: {} },
		...options.chain.map((step, i) => ({
			id: String(i + 1),
			name: step.name,
			type: `n8n-nodes-agent-swarm.${step.type}`,
			typeVersion: 1,
			position: [200 * (i + 1), 0] as [number, number],
			parameters: step.parameters as INode['parameters'],
			credentials: {
				agentSwarmAnthropicApi: { id: 'c1', name: 'Anthropic' },
				anthropicApi: { id: 'c2', name: 'n8n Anthropic' },
				agentSwarmRedisApi: { id: 'r1', name: 'Redis' },
				...Object.fromEntries(Object.keys(options.extraCredentials ?? {}).map((type) => [type, { id: type, name: type }])),
			},
			...(step.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		})),
	];
	const connections = Object.fromEntries(
		nodes.slice(0, -1).map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main' as const, index: 0 }]] }]),
	);
	const workflow = new Workflow({ id: 'wf-test', nodes, connections, nodeTypes, active: false });

	const hooks = new ExecutionLifecycleHooks('manual', 'exec-test', { id: 'wf-test', name: 'test', nodes, connections, active: false } as never);
	let finish!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentials({
			agentSwarmAnthropicApi: options.credentials,
			anthropicApi: options.n8nAnthropicCredentials ?? {},
			agentSwarmRedisApi: options.redisCredentials ?? {},
			...(options.extraCredentials ?? {}),
		}),
		executionId: 'exec-test',
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		variables: {},
		currentNodeParameters: undefined,
		userId: 'user-test',
	} as unknown as IWorkflowExecuteAdditionalData;

	const runData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: nodes[0], data: { main: [options.items.map((json, i) => ({ json, ...(options.binary?.[i] ? { binary: options.binary[i] } : {}) }))] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	const started = performance.now();
	const execution = new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) setTimeout(() => execution.cancel(), options.cancelAfterMs);
	const run = await Promise.race([finished, execution.then(() => finished)]);
	const wallMs = performance.now() - started;
	const outputs = Object.fromEntries(
		options.chain.map((step) => [step.name, run.data.resultData.runData[step.name]?.[0]?.data?.main?.[0] ?? undefined]),
	);
	for (const step of options.chain) checkOutputShapes(step, run.data.resultData.runData[step.name]?.[0]?.data?.main ?? []);
	const lastName = options.chain.at(-1)!.name;
	const failed = options.chain.map((step) => run.data.resultData.runData[step.name]?.[0]?.error).find(Boolean);
	return {
		run,
		items: outputs[lastName],
		outputs,
		error: (failed ?? run.data.resultData.error) as EngineRun['error'],
		wallMs,
	};
}
