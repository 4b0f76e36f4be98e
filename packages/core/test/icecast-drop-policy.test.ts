import assert from 'node:assert/strict';
import { it } from 'node:test';
import { afterDrop, NO_DROPS } from '../src/outputs/icecast/drop-policy.js';

// Each drop as the connection loop sees it: its code and how long the connection held.
const CLOSED = 'E_ICECAST_CLOSED';
const SLOW = 'E_ICECAST_SLOW';

it('a server that drops a connection after a while: reconnected at once, nothing counted against it', () => {
	assert.deepEqual(afterDrop(NO_DROPS, CLOSED, 30_000), { drops: { slow: 0, short: 0 } });
});

it('a server that accepts and closes at once: the first such close is forgiven, the second waits a second or more', () => {
	const first = afterDrop(NO_DROPS, CLOSED, 100);
	assert.deepEqual(first, { drops: { slow: 0, short: 1 } });
	const second = afterDrop(first.drops, CLOSED, 100);
	assert.deepEqual(second.drops, { slow: 0, short: 2 });
	// Backoff from the second close is a second at first, however the jitter falls.
	assert.deepEqual(second.wait, { attempt: 2, delayMs: 1000 });
	const later = afterDrop({ slow: 0, short: 9 }, CLOSED, 100);
	assert.ok(later.wait && later.wait.delayMs >= 5000 && later.wait.delayMs <= 10_000, `${later.wait?.delayMs} ms`);
	// One connection that held resets the count.
	assert.deepEqual(afterDrop(second.drops, CLOSED, 5000), { drops: { slow: 0, short: 0 } });
});

it('a server too slow for the stream: every drop waits, longer each time, until a connection holds a minute', () => {
	const first = afterDrop(NO_DROPS, SLOW, 10_000);
	assert.deepEqual(first.drops, { slow: 1, short: 0 });
	assert.ok(first.wait && first.wait.delayMs >= 1000 && first.wait.delayMs <= 2000, `${first.wait?.delayMs} ms`);
	const second = afterDrop(first.drops, SLOW, 10_000);
	assert.ok(second.wait && second.wait.delayMs >= 2000 && second.wait.delayMs <= 4000, `${second.wait?.delayMs} ms`);
	assert.equal(second.wait.attempt, 2);
	// Slow again after holding more than a minute: counted as the first again.
	assert.equal(afterDrop({ slow: 5, short: 0 }, SLOW, 61_000).wait?.attempt, 1);
	// A slow drop soon after connecting is a slow drop, not a short-lived one.
	assert.deepEqual(afterDrop({ slow: 0, short: 1 }, SLOW, 100).drops, { slow: 1, short: 0 });
});
