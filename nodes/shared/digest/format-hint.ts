/**
 * An optional log-format hint in the notation of the LogPAI benchmarks (Drain, Brain):
 * "<Date> <Time> <Level> <Component>: <Content>". Each <Field> matches text, the rest literally
 * (any run of spaces matches any run of spaces). <Content> is the message; <Level> (or
 * <Severity>) the level. A line the hint does not fit falls back to the learned header model,
 * so a wrong hint costs accuracy, never lines.
 */
export interface HintMatch {
	/** Character offset where the message starts. */
	contentStart: number;
	level?: string;
}

export class FormatHint {
	private readonly pattern: RegExp;

	constructor(format: string) {
		const parts = format.split(/(<[^<>\s]+>)/).filter((p) => p.length > 0);
		const fields = parts.filter((p) => /^<[^<>\s]+>$/.test(p)).map((p) => p.slice(1, -1));
		if (!fields.includes('Content')) {
			throw new Error(
				`Log Format: "${format}" has no <Content> field. Fix: name the message part <Content>, e.g. "<Date> <Time> <Level> <Component>: <Content>", or leave the option empty`,
			);
		}
		const seen = new Set<string>();
		const source = parts
			.map((part) => {
				if (!/^<[^<>\s]+>$/.test(part)) return part.split(/\s+/).map(escape).join(String.raw`\s+`);
				const name = part.slice(1, -1);
				if (name === 'Content') return '(?<Content>.*)';
				if (/^(?:level|severity)$/i.test(name) && !seen.has('Level')) {
					seen.add('Level');
					return String.raw`(?<Level>\S*?)`;
				}
				return '(?:.*?)';
			})
			.join('');
		this.pattern = new RegExp(`^\\s*${source}$`, 'd');
	}

	match(line: string): HintMatch | undefined {
		const m = this.pattern.exec(line);
		const content = m?.indices?.groups?.Content;
		if (!m || !content) return undefined;
		return { contentStart: content[0], level: m.groups?.Level || undefined };
	}
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
