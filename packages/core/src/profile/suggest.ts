import { distance } from 'fastest-levenshtein';

/** The known word closest to `word`, when it is close enough to be a typo of it. */
export function closest(word: string, known: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of known) {
		const d = distance(word.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}
	const allowed = Math.max(1, Math.ceil((best?.length ?? 0) / 3));
	if (best === undefined || bestDistance > allowed) return undefined;
	// Beyond one edit, a typo almost always keeps its first letter ("opsu", not "aac" for flac).
	return bestDistance === 1 || best[0]?.toLowerCase() === word[0]?.toLowerCase() ? best : undefined;
}

export function didYouMean(word: string, known: readonly string[]): string {
	const match = closest(word, known);
	return match ? `; did you mean \`${match}\`?` : '';
}
