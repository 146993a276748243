/**
 * Splits text over a size limit into chunks on line boundaries (a single longer line is cut),
 * so large inputs are analysed in parts instead of being truncated.
 */
export function splitIntoChunks(text: string, maxChars: number): string[] {
	if (text.length <= maxChars) return [text];
	const chunks: string[] = [];
	let current = '';
	for (const line of text.split('\n')) {
		for (let piece = line; ; piece = piece.slice(maxChars)) {
			const part = piece.slice(0, maxChars);
			if (current.length + part.length + 1 > maxChars && current) {
				chunks.push(current);
				current = '';
			}
			current = current ? `${current}\n${part}` : part;
			if (piece.length <= maxChars) break;
		}
	}
	if (current) chunks.push(current);
	return chunks;
}
