/**
 * Splits text over a size limit into chunks on line boundaries (a single longer line is cut),
 * so large inputs are analysed in parts instead of being truncated. With `section`, a chunk
 * starts at a line matching it whenever a whole section fits (diffs: one chunk per file, or
 * several whole files per chunk).
 */
export function splitIntoChunks(text: string, maxChars: number, section?: RegExp): string[] {
	if (text.length <= maxChars) return [text];
	if (section) return packSections(text, maxChars, section);
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

/** Whole sections packed into chunks; a section longer than a chunk is split by lines. */
function packSections(text: string, maxChars: number, section: RegExp): string[] {
	const sections: string[] = [];
	let current: string[] = [];
	for (const line of text.split('\n')) {
		if (section.test(line) && current.length) {
			sections.push(current.join('\n'));
			current = [];
		}
		current.push(line);
	}
	sections.push(current.join('\n'));
	const chunks: string[] = [];
	let chunk = '';
	for (const part of sections) {
		if (part.length > maxChars) {
			if (chunk) chunks.push(chunk);
			chunk = '';
			chunks.push(...splitIntoChunks(part, maxChars));
		} else if (chunk && chunk.length + part.length + 1 > maxChars) {
			chunks.push(chunk);
			chunk = part;
		} else chunk = chunk ? `${chunk}\n${part}` : part;
	}
	if (chunk) chunks.push(chunk);
	return chunks;
}
