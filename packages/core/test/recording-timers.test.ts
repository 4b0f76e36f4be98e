import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { type Clock, realClock } from '../src/util/clock.js';
import { DiskRetry } from '../src/outputs/recording/disk-retry.js';
import { SplitTimer } from '../src/outputs/recording/rotation.js';

/** node:test's mock Date as both clocks: `t.mock.timers.tick` moves the timers and the time together. */
const mockClock: Clock = { ...realClock, monotonic: () => Date.now() };

/** A DiskRetry on mock time from 0: its `state` and `gap` events as sentences, and its retries counted. */
function mockDisk(t: TestContext) {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
	const events: string[] = [];
	const emitter = {
		emit: (event: 'state' | 'gap', ...args: unknown[]) => events.push(`${event} ${args.filter(Boolean).join(': ')}`),
	};
	const count = { retries: 0 };
	// The longest wait of each backoff step (no jitter), so that the waits are exact.
	const disk = new DiskRetry(emitter, mockClock, () => 1);
	return { events, disk, count, retry: () => void count.retries++ };
}

it('disk retry: one `retrying` for a run of faults, waits doubling from 1 s up to 30 s, the gap said once the disk takes data', (t) => {
	const { events, disk, count, retry } = mockDisk(t);
	const part = { file: '/rec/show.ogg', openedAt: 0 };

	disk.opened();
	disk.took(1000, part, true);
	assert.deepEqual(events, ['state recording']);

	t.mock.timers.tick(500);
	disk.fault('cannot write /rec/show.ogg: ENOSPC', retry);
	assert.equal(disk.state, 'retrying');
	assert.equal(events.at(-1), 'state retrying: cannot write /rec/show.ogg: ENOSPC; trying again in 1 s');
	t.mock.timers.tick(999);
	assert.equal(count.retries, 0, 'not before a second');
	t.mock.timers.tick(1);
	assert.equal(count.retries, 1);

	// The new file fails too: said only once, and each wait twice the last, up to 30 s.
	const waits: number[] = [];
	for (let fault = 0; fault < 6; fault++) {
		disk.fault('cannot create /rec/show-part2.ogg: ENOSPC', retry);
		const before = count.retries;
		let waited = 0;
		while (count.retries === before) {
			t.mock.timers.tick(1000);
			waited += 1000;
		}
		waits.push(waited);
	}
	assert.deepEqual(waits, [2000, 4000, 8000, 16_000, 30_000, 30_000]);
	assert.equal(events.filter((e) => e.startsWith('state retrying')).length, 1);
	assert.equal(disk.lastError, 'cannot create /rec/show-part2.ogg: ENOSPC');

	// Data taken by a file that is no longer the one being written says nothing.
	disk.took(10, part, false);
	assert.equal(disk.state, 'retrying');
	const lostUntil = Date.now() - 500;
	disk.opened();
	assert.equal(disk.state, 'retrying', 'an open file is not a recording until the disk takes data');
	disk.took(500, { file: '/rec/show-part2.ogg', openedAt: Date.now() }, true);
	assert.equal(disk.state, 'recording');
	assert.equal(disk.lastError, null);
	assert.deepEqual(events.slice(-2), [
		'state recording',
		`gap recording continues in /rec/show-part2.ogg after ${(lostUntil / 1000).toFixed(1)} s lost (cannot write /rec/show.ogg: ENOSPC)`,
	]);
	assert.equal(disk.lostSeconds, lostUntil / 1000);
	assert.equal(disk.bytes, 1510);
});

it('disk retry: a disk that held for a minute starts the waits at 1 s again; stop() cancels the wait', (t) => {
	const { events, disk, count, retry } = mockDisk(t);
	disk.fault('cannot write a: EIO', retry);
	t.mock.timers.tick(1000);
	disk.fault('cannot write a: EIO', retry);
	t.mock.timers.tick(2000);
	assert.equal(count.retries, 2);
	/** The disk takes a part opened now for `heldMs`, then fails it: the wait said. */
	const waitAfter = (heldMs: number, file: string): string | undefined => {
		const part = { file, openedAt: Date.now() };
		disk.took(100, part, true);
		t.mock.timers.tick(heldMs);
		disk.took(100, part, true);
		disk.fault(`cannot write ${file}: EIO`, retry);
		return events.at(-1)?.replace(/.*trying again in /, '');
	};
	// Within a minute of the part opening, a fault waits as long as the run before it would have.
	assert.equal(waitAfter(30_000, 'a-part3.ogg'), '4 s');
	t.mock.timers.tick(4000);
	assert.equal(waitAfter(60_001, 'a-part4.ogg'), '1 s');

	disk.stop();
	assert.equal(events.at(-1), 'state stopped');
	const before = count.retries;
	t.mock.timers.tick(60_000);
	assert.equal(count.retries, before, 'no try after stop()');
});

it('split: the next file at each multiple of the split on the wall clock, named for the boundary itself', (t) => {
	// 10:00:03 local time on a day: the first boundary is 10:00:10.
	const start = new Date(2024, 0, 15, 10, 0, 3).getTime();
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
	const boundaries: string[] = [];
	const timer = new SplitTimer(10, (at) => boundaries.push(at.toTimeString().slice(0, 8)), mockClock);
	timer.start();
	t.mock.timers.tick(6999);
	assert.deepEqual(boundaries, []);
	t.mock.timers.tick(1);
	assert.deepEqual(boundaries, ['10:00:10']);
	// A second at a time: a mock tick sets the time to its end before it runs what falls due within it.
	for (let second = 0; second < 25; second++) t.mock.timers.tick(1000);
	assert.deepEqual(boundaries, ['10:00:10', '10:00:20', '10:00:30']);
	timer.stop();
	t.mock.timers.tick(60_000);
	assert.equal(boundaries.length, 3, 'nothing after stop()');
});

it('split: a recording with no split on the clock (null, or an air check split by slot) waits for no boundary', (t) => {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
	for (const seconds of [null, 'slot'] as const) {
		let called = false;
		new SplitTimer(seconds, () => (called = true), mockClock).start();
		t.mock.timers.tick(24 * 3600_000);
		assert.equal(called, false, String(seconds));
	}
});
