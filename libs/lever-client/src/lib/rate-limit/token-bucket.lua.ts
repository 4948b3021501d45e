/**
 * Token bucket with reservations, one Redis hash per key ({tokens, ts}). Runs atomically, and
 * takes the time from Redis (TIME), so every process and replica sharing the Redis shares one
 * bucket and one clock. Tokens may go negative: each negative token is a caller already told
 * to wait, so the wait returned is exact and FIFO without polling.
 *
 * KEYS[1] bucket; ARGV: ratePerSecond, burst, maxWaitMs, mode ('acquire' | 'penalize'), penaltyMs.
 * Returns {granted (1|0), waitMs}. A refused acquire (wait > maxWaitMs) changes nothing.
 * A penalty leaves at most one token and removes penaltyMs worth of refill, so the next caller
 * waits about penaltyMs behind any reservations already made.
 */
export const TOKEN_BUCKET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate)
  ts = now
end
local wait = 0
if ARGV[4] == 'penalize' then
  tokens = math.min(tokens, 1) - tonumber(ARGV[5]) * rate
else
  tokens = tokens - 1
  if tokens < 0 then
    wait = -tokens / rate
  end
  if wait > tonumber(ARGV[3]) then
    return {0, math.ceil(wait)}
  end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%.3f', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {1, math.ceil(wait)}
`;
