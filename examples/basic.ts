// A complete program on @jdcast/core: load a profile, start it, wait until it is on air, follow
// its events, set "now playing", print the status, and stop cleanly on Ctrl-C or SIGTERM.
//   npx tsx examples/basic.ts examples/tone.yaml
import { formatDiagnostic, loadProfileFiles, Orchestrator } from '@jdcast/core';

const files = process.argv.slice(2);
const loaded = await loadProfileFiles(files);
for (const d of loaded.diagnostics) console.error(formatDiagnostic(d));
if (!loaded.ok) process.exit(1);

const jdcast = new Orchestrator();
jdcast.on('output', (e) =>
	console.log(`${e.profile} ${e.mount} on ${e.server}: ${e.state}${e.error ? ` (${e.error})` : ''}`),
);
jdcast.on('silence', (e) => console.log(`${e.profile}: silence ${e.state}`));

let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= jdcast.stop().then(() => console.log('stopped')));
process.on('SIGINT', stop); // on, not once: a second signal while stopping must not kill it half-way
process.on('SIGTERM', stop);

await jdcast.start(loaded.profiles); // resolves once each profile has begun, not once it is live
await jdcast.live({ timeoutMs: 20_000 }); // rejects with E_NOT_LIVE naming what is not on air
for (const profile of loaded.profiles)
	await jdcast.setMetadata(profile.name, { title: 'Hoppípolla', artist: 'Sigur Rós' });
for (const p of jdcast.status().profiles) {
	console.log(`${p.name}: ${p.state}, ${p.audio?.momentaryLufs ?? '-inf'} LUFS`);
	for (const o of p.outputs) console.log(`  ${o.url} ${o.state} ${o.kbps} kbps, ${o.listeners ?? 0} listeners`);
}
// A demo stops by itself when JDCAST_EXAMPLE_SECONDS is set (the test does); a station runs until a signal.
const seconds = Number(process.env.JDCAST_EXAMPLE_SECONDS);
if (seconds > 0) setTimeout(stop, seconds * 1000);
