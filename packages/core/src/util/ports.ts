import net from 'node:net';
import getPort from 'get-port';

/** `preferred` when nothing listens on it on 127.0.0.1, else any free port. */
export async function portPreferring(preferred: number): Promise<number> {
	return (await isFree(preferred)) ? preferred : getPort({ host: '127.0.0.1' });
}

function isFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen({ port, host: '127.0.0.1' }, () => server.close(() => resolve(true)));
	});
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
