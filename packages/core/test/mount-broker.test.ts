import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tap } from '../src/fanout/tap.js';
import type { BrokeredOutput, MountRunner } from '../src/orchestrator/mount-broker.js';
import { MountBroker } from '../src/orchestrator/mount-broker.js';
import type { MountEvent, OutputState } from '../src/status/types.js';
import { YieldGate } from '../src/supervisor/yield-gate.js';
import { stationServer } from './fixtures.js';

const server = stationServer({ '/live.opus': { fallback: '/autodj.opus' } });

/** An output as the broker sees it: a state a test sets, nothing connected. */
class FakeOutput implements BrokeredOutput {
	state: OutputState = 'connecting';
	lastErrorCode: string | null = null;
	covering = false;
	readonly server = server;
	readonly feed = new Tap('ogg');
	readonly encoding = { fd: 3, format: 'opus' } as BrokeredOutput['encoding'];
	constructor(
		readonly mount: string,
		readonly shared = true,
	) {}
	get onAir(): boolean {
		return this.state === 'live' || this.state === 'stalled';
	}
	handOff(): undefined {
		this.state = 'standby';
		return undefined;
	}
	adopt(): Promise<number> {
		return Promise.resolve(0);
	}
}

function runner(name: string, ...outputs: FakeOutput[]): MountRunner {
	return { name, icecastOutputs: outputs, cover: () => undefined, uncover: () => {} };
}

function setup() {
	let now = Date.parse('2026-12-06T20:00:00Z');
	const events: MountEvent[] = [];
	const broker = new MountBroker(
		(e) => events.push(e),
		() => now,
	);
	const step = (ms: number) => (now += ms);
	const changes = () => events.map((e) => [e.source, e.reason]);
	return { broker, events, step, changes };
}

describe('the MountBroker', () => {
	it('two DJs started together: the one refused waits, the other not yet on air, the page listing the mount — nobody, never "external"', () => {
		const { broker, step, changes } = setup();
		const anna = new FakeOutput('/live.opus');
		const ben = new FakeOutput('/live.opus');
		broker.register(runner('dj-anna', anna));
		broker.register(runner('dj-ben', ben));
		// Anna's connection was taken, her first bytes are late (a loaded machine); Ben is refused, and the
		// status page already lists the mount: Anna's, as far as anyone knows.
		ben.state = 'waiting';
		broker.refresh();
		step(3000);
		broker.listed(server, ['/live.opus'], Date.parse('2026-12-06T20:00:03Z'));
		broker.refresh();
		anna.state = 'live';
		broker.refresh();
		assert.deepEqual(changes(), [['dj-anna', 'start']]);
	});

	it('says who holds a shared mount through a station night: start, handover, an outside source, stop, fallback', () => {
		const { broker, step, changes } = setup();
		const anna = new FakeOutput('/live.opus');
		const ben = new FakeOutput('/live.opus');
		broker.register(runner('dj-anna', anna));
		broker.register(runner('dj-ben', ben));
		assert.deepEqual(broker.holderAt('http://127.0.0.1:8000/live.opus').source, null);
		anna.state = 'live';
		broker.refresh();
		// Anna leaves; another machine's DJ takes the mount first: Ben waits. A refusal just after ours left may be
		// Icecast still holding our own dropped connection: nobody, until that cannot be (the next look, a poll).
		anna.state = 'stopped';
		ben.state = 'waiting';
		broker.refresh();
		step(13_000);
		broker.refresh();
		ben.state = 'live';
		broker.refresh();
		broker.intend('stop', ['dj-ben']);
		ben.state = 'stopped';
		broker.refresh();
		ben.state = 'live';
		broker.refresh();
		// A connection lost, no one said why: listeners are on the fallback.
		ben.state = 'retrying';
		broker.refresh();
		assert.deepEqual(changes(), [
			['dj-anna', 'start'],
			[null, 'fallback'],
			['external', 'external'],
			['dj-ben', 'start'],
			[null, 'stop'],
			['dj-ben', 'start'],
			[null, 'fallback'],
		]);
		const holder = broker.holderAt('http://127.0.0.1:8000/live.opus');
		assert.equal(holder.source, null);
		assert.equal(holder.fallback, '/autodj.opus');
	});

	it('reports a handover once, with its reason, when it completes', async () => {
		const { broker, changes } = setup();
		const anna = new FakeOutput('/live.opus');
		const ben = new FakeOutput('/live.opus');
		broker.register(runner('dj-anna', anna));
		broker.register(runner('dj-ben', ben));
		anna.state = 'live';
		broker.refresh();
		await broker.moving('schedule', ['dj-anna', 'dj-ben'], async () => {
			anna.state = 'standby';
			broker.refresh();
			await Promise.resolve();
			ben.state = 'live';
			broker.refresh();
		});
		assert.deepEqual(changes(), [
			['dj-anna', 'start'],
			['dj-ben', 'schedule'],
		]);
	});

	it('a reason said long before is not given to an unrelated later change', () => {
		const { broker, step, changes } = setup();
		const anna = new FakeOutput('/live.opus');
		broker.register(runner('dj-anna', anna));
		broker.intend('yield', ['dj-anna']);
		step(60_000);
		anna.state = 'live';
		broker.refresh();
		assert.deepEqual(changes(), [['dj-anna', 'start']]);
	});

	it('a mount the server lists that nobody here feeds or waits for is held from outside, once the list is newer than the change', () => {
		const { broker, step, changes } = setup();
		const anna = new FakeOutput('/live.opus');
		broker.register(runner('dj-anna', anna));
		anna.state = 'live';
		broker.refresh();
		broker.listed(server, ['/live.opus'], Date.parse('2026-12-06T20:00:00Z'));
		anna.state = 'stopped';
		broker.refresh();
		// The page read before the change still lists the mount (our own source): not believed.
		assert.equal(broker.holderAt('http://127.0.0.1:8000/live.opus').source, null);
		step(5000);
		broker.listed(server, ['/live.opus'], Date.parse('2026-12-06T20:00:05Z'));
		assert.deepEqual(changes(), [
			['dj-anna', 'start'],
			[null, 'fallback'],
			['external', 'external'],
		]);
	});
});

describe('dead air yield (YieldGate)', () => {
	const settings = { afterMs: 1000, holdMs: 3000, probationSilenceMs: 1000 };
	/** Feeds `ms` of sound or silence in 100 ms steps; returns the decisions. */
	const feed = (gate: YieldGate, quiet: boolean, ms: number) => {
		const decisions: string[] = [];
		for (let t = 0; t < ms; t += 100) {
			const d = gate.step(quiet, 100);
			if (d) decisions.push(d);
		}
		return decisions;
	};

	it('releases after `after` of silence on air and takes back only once sound has held `take_back`', () => {
		const gate = new YieldGate(settings);
		gate.onAir(false);
		assert.deepEqual(feed(gate, true, 900), []);
		assert.deepEqual(feed(gate, true, 100), ['release']);
		assert.deepEqual(feed(gate, false, 2900), []);
		assert.deepEqual(feed(gate, false, 100), ['take-back']);
		// Just taken back: a second of silence gives it up again at once, not after `after`.
		assert.equal(gate.state, 'probation');
	});

	it('a DJ whose input flaps (1.3 s on, 1.6 s off) for 60 s leaves listeners on the fallback: under 2 s of silence on air in all', () => {
		const gate = new YieldGate(settings);
		gate.onAir(false);
		let silenceOnAir = 0;
		const decisions: string[] = [];
		for (let t = 0; t < 60_000; t += 100) {
			const quiet = t % 2900 >= 1300;
			if (quiet && (gate.state === 'on-air' || gate.state === 'probation')) silenceOnAir += 100;
			const d = gate.step(quiet, 100);
			if (d) decisions.push(d);
		}
		assert.deepEqual(decisions, ['release'], 'released once, never taken back');
		assert.ok(silenceOnAir < 2000, `${silenceOnAir} ms of silence on air`);
	});

	it('a silent DJ handed a mount gives it up within a second', () => {
		const gate = new YieldGate(settings);
		gate.onAir(true);
		assert.deepEqual(feed(gate, true, 1000), ['release']);
	});

	it("at a profile's own start, silence waits for `after` (a mixer connected a moment later is no dead air)", () => {
		const gate = new YieldGate({ ...settings, afterMs: 5000 });
		gate.onAir(false);
		assert.deepEqual(feed(gate, true, 4000), []);
		assert.deepEqual(feed(gate, false, 100), []);
		assert.equal(gate.state, 'on-air');
	});
});
