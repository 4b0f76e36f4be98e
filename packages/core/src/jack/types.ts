import type { JackPort } from './cli.js';

/** How the router looks at and changes the graph (jack_lsp, jack_connect, jack_disconnect; a fake in unit tests). */
export interface JackGraphTools {
	readGraph(server: string | undefined): Promise<JackPort[] | undefined>;
	connectPorts(from: string, to: string, server: string | undefined): Promise<boolean>;
	disconnectPorts(from: string, to: string, server: string | undefined): Promise<boolean>;
}

export interface JackState {
	client: string;
	ports: string[];
	connections: [string, string][];
	/** Source clients kept off by `jdcast disconnect` until the profile's next start or reload. */
	held: string[];
}

export interface JackRouterEvents {
	/** A connection jdcast made, said once the graph shows it. */
	connected: [from: string, to: string];
	/** Something keeps removing a rule's connection (jdcast made it again `times` times within a short while). */
	contested: [from: string, to: string, times: number];
	/** The JACK server answered again after being gone, or went away. */
	server: [running: boolean];
}
