import net from 'node:net';
import getPort from 'get-port';

/** `preferred` when nothing listens on it on 127.0.0.1, else any free port. */
export function portPreferring(preferred: number): Promise<number> {
	return getPort({ port: preferred, host: '127.0.0.1' });
}

/** Whether something accepts a connection there (a TCP port, or a Unix socket path). */
export function accepts(where: { host: string; port: number } | { path: string }): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(where);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
