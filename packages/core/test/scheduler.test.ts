import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { loadProfileObject, loadScheduleText, type Profile, type Schedule } from '../src/index.js';
import type { Engine } from '../src/orchestrator/engine.js';
import type { HandoverOptions } from '../src/orchestrator/handover.js';
import { Scheduler } from '../src/schedule/scheduler.js';
import { exampleProfile, exampleSnapshot } from '../src/status/examples.js';
import type { HandoverResult, JackClientAnswer, StatusSnapshot } from '../src/status/types.js';
import { mockTime } from './mock-clock.js';

/** A profile with a shared mount (the schedule's business), or without one (an autodj: not). */
function profile(name: string, shared = true): Profile {
	const { profile, diagnostics } = loadProfileObject(
		{
			input: { tone: {} },
			servers: { s: { embedded: true } },
			streams: [{ mount: `/${name}.opus`, format: 'opus', shared }],
		},
		{ name },
	);
	assert.deepEqual(diagnostics, []);
	return profile!;
}

/** The time of day (UTC) on the mock clock, to the second. */
const clockTime = () => new Date(Date.now()).toISOString().slice(11, 19);

/**
 * The engine as the scheduler sees it: who runs, who holds the shared mounts (a profile started
 * with them held back does not), and every start, stop and handover asked for, at its moment.
 */
class FakeEngine implements Engine {
	readonly knownProfiles = [profile('dj-a'), profile('dj-b'), profile('autodj', false)];
	readonly running = new Set<string>();
	holder: string | undefined;
	readonly calls: string[] = [];
	readonly said: string[] = [];
	/** How many of the next handovers are refused. */
	refuseHandovers = 0;

	get profileNames(): string[] {
		return this.knownProfiles.map((p) => p.name);
	}

	get runningProfileNames(): string[] {
		return [...this.running];
	}

	/** `name` runs and holds the shared mounts. */
	onAir(name: string): void {
		this.running.add(name);
		this.holder = name;
	}

	status(): StatusSnapshot {
		return exampleSnapshot([...this.running].map((name) => exampleProfile({ name })));
	}

	holdsSharedMount(name: string): boolean {
		return this.holder === name;
	}

	async startProfile(name: string, options: { holdShared?: boolean } = {}): Promise<void> {
		this.calls.push(`${clockTime()} start ${name}${options.holdShared ? ' (mounts held back)' : ''}`);
		this.running.add(name);
		if (!options.holdShared && !this.holder) this.holder = name;
	}

	async stopProfile(name: string): Promise<void> {
		this.calls.push(`${clockTime()} stop ${name}`);
		this.running.delete(name);
		if (this.holder === name) this.holder = undefined;
	}

	async handover(from: string, to: string, options: HandoverOptions & { stopFrom?: boolean }): Promise<HandoverResult> {
		if (this.refuseHandovers-- > 0) {
			this.calls.push(`${clockTime()} handover ${from} -> ${to} refused`);
			throw new Error(`${to} is not writing`);
		}
		this.calls.push(`${clockTime()} handover ${from} -> ${to}${options.stopFrom ? `, ${from} stopped` : ''}`);
		this.holder = to;
		if (options.stopFrom) this.running.delete(from);
		return { from, to, mounts: [] };
	}

	async setMetadata(): Promise<never> {
		throw new Error('not asked by the scheduler');
	}

	async routeClient(): Promise<JackClientAnswer> {
		throw new Error('not asked by the scheduler');
	}

	onEveryEvent(): () => void {
		return () => {};
	}

	say(level: 'info' | 'warning', message: string): void {
		this.said.push(`${level}: ${message}`);
	}
}

/** dj-a 20:00–21:00 and dj-b 21:00–22:00 on Friday 2026-11-27 (UTC), each started `lead` seconds ahead. */
function friday(slots = 'dj-a 20:00 21:00, dj-b 21:00 22:00', lead = 5): Schedule {
	const lines = slots
		.split(', ')
		.map((slot) => slot.split(' '))
		.map(([name, from, to]) => `  - { profile: ${name}, start: "2026-11-27T${from}:00", end: "2026-11-27T${to}:00" }`);
	const { schedule, diagnostics } = loadScheduleText(
		`timezone: UTC\nlead: ${lead}\nslots:\n${lines.join('\n')}\n`,
		's.yaml',
	);
	assert.deepEqual(diagnostics, []);
	return schedule!;
}

/** A scheduler of `schedule` started at `time` on Friday, on mock time; stopped when the test ends. */
function startAt(t: TestContext, time: string, engine: FakeEngine, schedule = friday()) {
	const mock = mockTime(t, Date.parse(`2026-11-27T${time}Z`));
	const scheduler = new Scheduler(engine, schedule, { clock: mock.clock });
	t.after(() => scheduler.stop());
	scheduler.start();
	const until = (time: string) => mock.advanceTo(Date.parse(`2026-11-27T${time}Z`));
	return { scheduler, until, waits: mock.waits };
}

describe('the scheduler, on mock time', () => {
	it('starts the incoming profile `lead` seconds ahead, its mounts held back, and hands them over at the boundary', async (t) => {
		const engine = new FakeEngine();
		engine.onAir('dj-a');
		const { scheduler, until } = startAt(t, '20:59:00', engine);
		assert.deepEqual(scheduler.status(), { slot: 'dj-a', next: 'dj-b', nextAt: '2026-11-27T21:00:00.000Z' });
		await until('20:59:54.999');
		assert.deepEqual(engine.calls, []);
		assert.equal(scheduler.due('dj-b'), undefined);
		await until('21:00:01');
		assert.deepEqual(engine.calls, [
			'20:59:55 start dj-b (mounts held back)',
			'21:00:00 handover dj-a -> dj-b, dj-a stopped',
		]);
		assert.equal(engine.holder, 'dj-b');
	});

	it('a boundary whose handover is refused is tried again 2 s later', async (t) => {
		const engine = new FakeEngine();
		engine.onAir('dj-a');
		engine.refuseHandovers = 1;
		const { until } = startAt(t, '20:59:58', engine);
		await until('21:00:05');
		assert.deepEqual(engine.calls, [
			'20:59:58 start dj-b (mounts held back)',
			'21:00:00 handover dj-a -> dj-b refused',
			'21:00:02 handover dj-a -> dj-b, dj-a stopped',
		]);
		assert.deepEqual(
			engine.said.filter((s) => s.startsWith('warning')),
			['warning: schedule: dj-b is not writing; trying again in 2 s'],
		);
	});

	it('stops a profile with shared mounts and no slot now, and leaves one without them alone', async (t) => {
		const engine = new FakeEngine();
		engine.onAir('dj-b');
		engine.running.add('dj-a'); // left running by hand after its slot
		engine.running.add('autodj');
		const { until } = startAt(t, '21:59:50', engine);
		await until('22:00:01');
		assert.deepEqual(engine.calls, ['21:59:50 stop dj-a', '22:00:00 stop dj-b']);
		assert.deepEqual(engine.runningProfileNames, ['autodj']);
	});

	it('never sleeps more than a minute, however far the next slot is', async (t) => {
		const engine = new FakeEngine();
		const { until, waits } = startAt(t, '12:00:00', engine, friday('dj-a 20:00 21:00'));
		await until('20:00:01');
		assert.deepEqual(engine.calls, ['19:59:55 start dj-a (mounts held back)', '20:00:00 start dj-a']);
		assert.equal(Math.max(...waits), 60_000);
		assert.ok(waits.length > 8 * 60, 'woken at least once a minute');
	});

	it('a reload keeps the slot on air handled: a handover made by hand holds until the next boundary', async (t) => {
		const engine = new FakeEngine();
		engine.onAir('dj-a');
		const { scheduler, until } = startAt(t, '20:30:00', engine);
		await until('20:30:01');
		engine.onAir('dj-b'); // the operator hands the mounts to dj-b early
		const reloaded = scheduler.replace(friday());
		t.after(() => reloaded.stop());
		reloaded.start();
		await until('20:59:00');
		assert.deepEqual(engine.calls, [], 'dj-a is not put back on air');
		assert.equal(engine.holder, 'dj-b');

		// A reload that gives the hour to someone else is a boundary: acted on at once.
		const changed = reloaded.replace(friday('dj-b 20:00 22:00'));
		t.after(() => changed.stop());
		changed.start();
		await until('20:59:01');
		assert.deepEqual(engine.calls, ['20:59:00 stop dj-a']);
	});
});
