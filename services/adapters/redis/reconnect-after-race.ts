import type { Redis } from 'ioredis';

/** How long a client left closed by the race below waits before it connects again. */
const RECONNECT_DELAY_MS = 500;

/**
 * Keeps a Sentinel client connecting after ioredis gives up on it by mistake. When the Sentinels announce
 * a new master while the client is already reconnecting (the old master's connection dropped first), the
 * failover detector disconnects the connector in the middle of its Sentinel lookup; that lookup then fails
 * with "Connection is closed." and ioredis ends the client for good instead of retrying (ioredis 5, issue
 * 1683 has the symptom): every later command fails with "Connection is closed." and the process never
 * recovers. A client ended that way, and not by our own quit() or disconnect(), connects again.
 */
export function reconnectAfterLostRace(redis: Redis): Redis {
  let closedByCaller = false;
  const quit = redis.quit.bind(redis);
  const disconnect = redis.disconnect.bind(redis);
  redis.quit = ((...args: Parameters<Redis['quit']>) => {
    closedByCaller = true;
    return quit(...args);
  }) as Redis['quit'];
  redis.disconnect = (reconnect = false) => {
    if (!reconnect) closedByCaller = true;
    disconnect(reconnect);
  };
  redis.on('end', () => {
    if (closedByCaller) return;
    setTimeout(() => {
      if (!closedByCaller && redis.status === 'end') redis.connect().catch(() => undefined);
    }, RECONNECT_DELAY_MS).unref();
  });
  return redis;
}
