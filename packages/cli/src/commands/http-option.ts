import { JdcastError, Secret } from '@jdcast/core';
import { checkHttpAccess, readHttpTokenFile } from '@jdcast/core/internal';
import path from 'node:path';
import { UsageError, type OptionSpec } from '../args.js';
import type { CommandContext } from './command.js';

export const httpOption: Record<string, OptionSpec> = {
	http: {
		type: 'string',
		description: 'serve the dashboard, the API, /metrics and /healthz over HTTP on [HOST:]PORT (HOST: 127.0.0.1)',
		placeholder: '[HOST:]PORT',
	},
	'http-token-file': {
		type: 'string',
		description: 'the token every HTTP request must carry (or $JDCAST_HTTP_TOKEN); needed beyond loopback',
		placeholder: 'FILE',
	},
	'http-trust-proxy': {
		type: 'boolean',
		description:
			'served behind a reverse proxy: count each client by the address the proxy forwards (X-Forwarded-For); needs a token',
	},
};

export interface HttpSettings {
	host: string;
	port: number;
	token?: Secret;
	trustProxy?: boolean;
}

/**
 * `--http [HOST:]PORT` and its token, from the file or the environment, checked as `jdcast up`
 * will check them (beyond loopback a token, and a good one): undefined without --http.
 */
export async function httpSettings(
	values: CommandContext['values'],
	env: NodeJS.ProcessEnv = process.env,
): Promise<HttpSettings | undefined> {
	const tokenFile = values['http-token-file'];
	const trustProxy = values['http-trust-proxy'] === true;
	if (values.http === undefined) {
		if (tokenFile !== undefined) throw new UsageError('--http-token-file goes with --http [HOST:]PORT');
		if (trustProxy) throw new UsageError('--http-trust-proxy goes with --http [HOST:]PORT');
		return undefined;
	}
	const { host, port } = parseAddress(String(values.http));
	let token: Secret | undefined;
	try {
		if (typeof tokenFile === 'string') {
			const read = await readHttpTokenFile(path.resolve(tokenFile));
			if (read.warning) process.stderr.write(`jdcast: warning: ${read.warning}\n`);
			token = read.token;
		} else if (env.JDCAST_HTTP_TOKEN) {
			token = new Secret(env.JDCAST_HTTP_TOKEN);
		}
		checkHttpAccess(host, token, trustProxy);
	} catch (error) {
		if (error instanceof JdcastError) throw new UsageError(`jdcast: ${error.message}`);
		throw error;
	}
	return { host, port, ...(token ? { token } : {}), ...(trustProxy ? { trustProxy } : {}) };
}

function parseAddress(text: string): { host: string; port: number } {
	const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
	const port = Number(match?.[2]);
	if (!match || port > 65535)
		throw new UsageError(`--http ${text}: give PORT or HOST:PORT (e.g. 8080, 0.0.0.0:8080, [::]:8080)`);
	return { host: match[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port };
}
