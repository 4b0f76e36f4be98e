import { connect, type Socket } from 'node:net';

/** A source client's Basic credentials. */
export const basic = (user: string, password: string): string =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * One request to a harbor on a raw socket, as a source client sends it: the answer once its final head
 * is complete (a 100 Continue is not one; a body sent with it comes along) or the server closed.
 */
export function ask(port: number, head: string, body?: Buffer): Promise<{ answer: string; socket: Socket }> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = () => resolve({ answer, socket });
		socket.setEncoding('latin1');
		socket.on('data', (text: string) => {
			answer += text;
			if (/HTTP\/1\.0 \d{3}[^]*?\r\n\r\n/.test(answer)) setImmediate(done);
		});
		socket.on('error', () => {});
		socket.on('close', done);
		socket.write(head);
		if (body) socket.write(body);
	});
}
