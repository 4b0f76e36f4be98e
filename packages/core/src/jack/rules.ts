import picomatch from 'picomatch';
import type { ConnectRule } from '../profile/types.js';
import type { JackPort } from './cli.js';

/** A pattern list's matcher; one that picomatch cannot read matches only itself, as a plain name. */
function globs(patterns: string[]): (client: string) => boolean {
	try {
		return picomatch(patterns, { bash: true, dot: true });
	} catch {
		return () => false;
	}
}

/** One connection: the source's output port, our input port. */
export type Pair = [from: string, to: string];

export const pairKey = (from: string, to: string): string => `${from}\u0000${to}`;
export const clientOf = (port: string): string => port.slice(0, port.indexOf(':'));

/**
 * A profile's `connect` rules, compiled once: which connections into our client they want in a
 * given graph. Client patterns are shell-style (`*`, `?`, `[abc]`) over the whole client name,
 * where `*` also crosses `/` and `.` (JACK names such as a hub peer's `127.0.0.1` are not paths).
 */
export class ConnectRules {
	private readonly matchers: { match: (client: string) => boolean; except: (client: string) => boolean }[] = [];
	private readonly pairs: Pair[] = [];
	/** Clients a rule names as they are, not by a pattern. */
	private readonly named = new Set<string>();

	constructor(
		rules: ConnectRule[],
		private readonly ourClient: string,
	) {
		const compile = (patterns: string[]) => {
			const exact = new Set(patterns);
			const glob = globs(patterns);
			return (client: string) => exact.has(client) || glob(client);
		};
		for (const rule of rules) {
			if ('from' in rule) {
				this.pairs.push([rule.from, `${ourClient}:${rule.to}`]);
				this.named.add(clientOf(rule.from));
			} else {
				this.matchers.push({ match: compile(rule.clients), except: compile(rule.except) });
				for (const name of rule.clients)
					if (!/[*?[\]{}!()+@]/.test(name) && !rule.except.includes(name)) this.named.add(name);
			}
		}
	}

	/** Whether a rule names this client as it is (a pattern such as `*` names no one in particular). */
	names(client: string): boolean {
		return this.named.has(client);
	}

	/** Whether a rule wants this client's audio: named, or matched by a pattern (never our own client). */
	covers(client: string): boolean {
		if (client === this.ourClient) return false;
		return this.named.has(client) || this.matchers.some((m) => m.match(client) && !m.except(client));
	}

	/**
	 * Every connection the rules want now: explicit pairs, and each matching client's audio outputs
	 * onto our inputs. `own(client)` says a client is jdcast's (ours or another profile's): never a source.
	 * `held` clients are kept off by `jdcast disconnect`; `asked` ones, connected by `jdcast connect`,
	 * are kept as if a rule named them.
	 */
	wanted(
		graph: JackPort[],
		ours: JackPort[],
		own: (client: string) => boolean,
		held: ReadonlySet<string>,
		asked: ReadonlySet<string> = new Set(),
	): Pair[] {
		const wanted = this.pairs.filter(([from]) => !held.has(clientOf(from)));
		const clients = [...new Set(graph.map((p) => p.client))].filter(
			(client) =>
				client !== this.ourClient &&
				!own(client) &&
				!held.has(client) &&
				(asked.has(client) || this.matchers.some((m) => m.match(client) && !m.except(client))),
		);
		for (const client of clients) wanted.push(...clientPairs(graph, client, ours));
		return wanted;
	}
}

/**
 * A whole client's audio outputs in order onto our inputs, as a mixer would: a mono source feeds
 * every input, a stereo source into a mono input is summed there (JACK adds what meets at an input),
 * and outputs beyond our inputs are left out.
 */
export function clientPairs(graph: JackPort[], client: string, ours: JackPort[]): Pair[] {
	const outputs = graph.filter((p) => p.client === client && p.direction === 'output' && p.audio);
	if (outputs.length === 0 || ours.length === 0) return [];
	if (outputs.length === 1) return ours.map((input): Pair => [outputs[0]!.name, input.name]);
	if (ours.length === 1) return outputs.map((output): Pair => [output.name, ours[0]!.name]);
	return ours.flatMap((input, i): Pair[] => {
		const source = outputs[i];
		return source ? [[source.name, input.name]] : [];
	});
}
