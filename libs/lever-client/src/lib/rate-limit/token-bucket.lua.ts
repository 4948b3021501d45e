/**
 * Token bucket with reservations, one Redis hash per Lever key ({tokens, ts}). Runs atomically,
 * and takes the time from Redis (TIME), so every process and replica sharing the Redis shares one
 * bucket and one clock. Tokens may go negative: each negative token is a caller already given a
 * later turn, so the wait returned is exact and FIFO without polling.
 *
 * KEYS[1] bucket, KEYS[2] hold (a job's reserved turn; only for mode 'reserve').
 * ARGV: ratePerSecond, burst, mode, cost, maxWaitMs (acquire), penaltyMs (penalize),
 *       holdAfterMs (reserve), holdTtlMs (reserve), missedTurnMs (reserve).
 *
 * Modes:
 * - 'acquire': take `cost` tokens if the wait is at most maxWaitMs; otherwise take nothing.
 *   Returns {granted (1|0), waitMs}.
 * - 'reserve': a job's turn. A hold already recorded for this job is its turn: the hold is
 *   consumed when the turn has come (wait <= holdAfterMs), else kept and its wait returned. With
 *   no hold, `cost` tokens are always taken; when the wait is longer than holdAfterMs the turn is
 *   recorded as a hold, so the job, delayed until then, comes back to its own turn instead of
 *   queueing again. A job back more than missedTurnMs after its turn (its delay ran late: busy
 *   worker slots, a slow promotion) has missed it and queues again like one without a hold.
 *   Returns {1, waitMs}.
 * - 'penalize': leaves at most one token and removes penaltyMs worth of refill, so the next
 *   caller waits about penaltyMs behind any reservations already made. Returns {1, 0}.
 */
export const TOKEN_BUCKET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local mode = ARGV[3]
local cost = tonumber(ARGV[4])

if mode == 'reserve' then
  local held = tonumber(redis.call('GET', KEYS[2]))
  if held ~= nil and now - held > tonumber(ARGV[9]) then
    -- Missed by too long: spent now on top of the turns after it, its requests could meet an empty
    -- bucket at Lever (whose refill was lost while it sat full), so the job queues again below.
    redis.call('DEL', KEYS[2])
  elseif held ~= nil then
    local wait = math.max(0, held - now)
    if wait <= tonumber(ARGV[7]) then redis.call('DEL', KEYS[2]) end
    return {1, math.ceil(wait)}
  end
end

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
if mode == 'penalize' then
  tokens = math.min(tokens, 1) - tonumber(ARGV[6]) * rate
else
  tokens = tokens - cost
  if tokens < 0 then wait = -tokens / rate end
  if mode == 'acquire' and wait > tonumber(ARGV[5]) then
    return {0, math.ceil(wait)}
  end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%.3f', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
if mode == 'reserve' and wait > tonumber(ARGV[7]) then
  redis.call('SET', KEYS[2], string.format('%.3f', now + wait), 'PX', math.ceil(wait + tonumber(ARGV[8])))
end
return {1, math.ceil(wait)}
`;
