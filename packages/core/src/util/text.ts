/**
 * Text from outside (a title, a server's answer) without control characters: a newline or an ESC
 * sequence must not reach a listener's player, Icecast's status JSON or a terminal.
 */
export function withoutControlCharacters(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
