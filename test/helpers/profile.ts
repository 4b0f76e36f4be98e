/** YAML for a test profile reading `client` on JACK server `server`, fed by jack_simple_client. */
export function jackInput(client: string, server: string): string {
	return `input:\n  jack:\n    client: ${client}\n    server: ${server}\n    connect: [jack_simple_client]\n`;
}

/** A server entry whose password comes from the environment variable JD_TEST_PW (or `env`). */
export function serverEntry(name: string, port: number, env = 'JD_TEST_PW'): string {
	return `  ${name}:\n    host: 127.0.0.1\n    port: ${port}\n    password_env: ${env}\n`;
}
