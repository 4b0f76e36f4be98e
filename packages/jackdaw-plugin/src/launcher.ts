import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDiagnostic, loadProfileFiles, type ControlClient } from '@jdcast/core';
import { expandProfilePaths } from '@jdcast/core/internal';
import { jackdawProfileYaml, startInBackground, stopBackground } from '@jdcast/core/jackdaw';
import { jackdawRouting, stateDir, type PluginConfig } from './config.js';

/** A problem the user hears about: `spoken` is said, `details` go to the log. */
export class SpokenError extends Error {
	constructor(
		readonly spoken: string,
		readonly details: string[] = [],
	) {
		super(spoken);
	}
}

export interface LaunchOptions {
	/** The `jdcast` command line (node and the CLI's bin), for starting `jdcast up`. */
	command: string[];
	socket: string;
	/** The voice client's PID: the jdcast started stops when it exits. */
	owner?: number;
}

/**
 * Starts `jdcast up` in the background for the plugin's config — its `profiles`, or the profile
 * of the old plugin's keys, written to the state folder with the password left out (it travels
 * in an environment variable) — logging to `jdcast.log` there.
 */
export async function launch(config: PluginConfig, client: ControlClient, options: LaunchOptions): Promise<void> {
	const dir = stateDir(config);
	await mkdir(dir, { recursive: true, mode: 0o700 });
	const { files, env } = await profileFiles(config, dir);
	try {
		await startInBackground(client, {
			command: options.command,
			files,
			socket: options.socket,
			dir,
			env,
			args: upOptions(config, options),
		});
	} catch (error) {
		throw new SpokenError('Streaming could not start. See the jdcast log.', [
			error instanceof Error ? error.message : String(error),
		]);
	}
}

/** Tied to the voice client; following the music player's now-playing file unless the config says not to. */
function upOptions(config: PluginConfig, options: LaunchOptions): string[] {
	const args = options.owner === undefined ? [] : ['--exit-with', String(options.owner)];
	if (config.now_playing_file !== false)
		args.push(
			'--now-playing-file',
			path.resolve(config.jackdaw_dir ?? process.cwd(), config.now_playing_file ?? '.now_playing.json'),
		);
	return args;
}

/** Stops the `jdcast up` this plugin started, if it runs. Returns whether it did. */
export function stopLaunched(config: PluginConfig): Promise<boolean> {
	return stopBackground(stateDir(config));
}

async function profileFiles(
	config: PluginConfig,
	dir: string,
): Promise<{ files: string[]; env: Record<string, string> }> {
	if (config.profiles?.length) {
		const base = config.jackdaw_dir ?? process.cwd();
		const files = await expandProfilePaths(config.profiles.map((p) => path.resolve(base, p)));
		if (files.length === 0)
			throw new SpokenError('Cannot start streaming: no stream profiles found.', [
				`no files match ${config.profiles.join(', ')}`,
			]);
		const loaded = await loadProfileFiles(files);
		if (!loaded.ok)
			throw new SpokenError(
				'Cannot start streaming: a stream profile has errors. See the log.',
				loaded.diagnostics.map(formatDiagnostic),
			);
		return { files, env: {} };
	}
	// A relative password_file is Jackdaw's, not the state folder's where the profile is written.
	const own =
		config.password_file === undefined
			? config
			: { ...config, password_file: path.resolve(config.jackdaw_dir ?? process.cwd(), config.password_file) };
	const { yaml, env, diagnostics } = jackdawProfileYaml(
		JSON.stringify({ plugins: { icecast_streamer: own } }),
		'voice_assistant_config.json',
		await jackdawRouting(config),
	);
	if (!yaml || !env) {
		const first = diagnostics.find((d) => d.severity === 'error');
		throw new SpokenError(
			`Cannot start streaming: ${speakable(first?.message ?? 'the configuration is invalid')}.`,
			diagnostics.map(formatDiagnostic),
		);
	}
	const file = path.join(dir, 'jackdaw.yaml');
	await writeFile(file, yaml, { mode: 0o600 });
	return { files: [file], env };
}

/** `plugins.icecast_streamer.format: "aac" is not one of ogg, opus` → `format aac is not one of ogg, opus`. */
function speakable(message: string): string {
	return message
		.replace(/^plugins\.icecast_streamer\./, '')
		.replace(/:/, '')
		.replace(/"/g, '');
}
