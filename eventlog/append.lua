-- Atomic append of a batch of sealed events to one tenant's event store.
--
-- Checks, before writing anything: the chain head is the one the caller sealed against, no
-- idempotency key was used before, and each aggregate is at the version the caller decided on.
-- Then XADDs every event (never trimming), records versions and idempotency keys, and moves the
-- head. All keys share the tenant's hash tag, so this stays atomic on Redis Cluster too.
--
-- KEYS: 1 stream, 2 versions hash, 3 idempotency hash, 4 head hash
-- ARGV: 1 assumed head hash, 2 genesis hash, 3 event count n,
--       4 new head sequence, 5 new head hash, 6 new head recorded_at,
--       then 5 per event: aggregate key, expected version (-1: unchecked),
--       idempotency key ('' for none), fingerprint, body;
--       then the new head's signature ('' for none), written on the last entry and the head
-- Returns {'ok', entry ids...} or {'head-moved', hash, sequence, entry id, recorded_at}
--      or {'version-conflict', index, current version} or {'duplicate', index, stored value}

local head_hash = redis.call('HGET', KEYS[4], 'hash') or ARGV[2]
if head_hash ~= ARGV[1] then
  local head = redis.call('HMGET', KEYS[4], 'hash', 'sequence', 'entry_id', 'recorded_at')
  return {'head-moved', head[1] or ARGV[2], head[2] or '0', head[3] or '0-0', head[4] or ''}
end

local n = tonumber(ARGV[3])
local versions = {}
local keys_in_batch = {}
for i = 0, n - 1 do
  local at = 6 + i * 5
  local aggregate, expected, idem = ARGV[at + 1], tonumber(ARGV[at + 2]), ARGV[at + 3]
  if idem ~= '' then
    local prior = redis.call('HGET', KEYS[3], idem)
    if prior then return {'duplicate', tostring(i), prior} end
    if keys_in_batch[idem] then return {'duplicate', tostring(i), keys_in_batch[idem]} end
    keys_in_batch[idem] = 'in-batch'
  end
  local current = versions[aggregate] or tonumber(redis.call('HGET', KEYS[2], aggregate) or '0')
  if expected >= 0 and current ~= expected then
    return {'version-conflict', tostring(i), tostring(current)}
  end
  versions[aggregate] = current + 1
end

local signature = ARGV[7 + n * 5] or ''
local written = {}
local next_version = {}
local last_id = '0-0'
for i = 0, n - 1 do
  local at = 6 + i * 5
  local aggregate, idem, fingerprint, body = ARGV[at + 1], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
  if i == n - 1 and signature ~= '' then
    last_id = redis.call('XADD', KEYS[1], '*', '__data__', body, '__head_signature__', signature)
  else
    last_id = redis.call('XADD', KEYS[1], '*', '__data__', body)
  end
  next_version[aggregate] = (next_version[aggregate]
    or tonumber(redis.call('HGET', KEYS[2], aggregate) or '0')) + 1
  redis.call('HSET', KEYS[2], aggregate, next_version[aggregate])
  if idem ~= '' then
    redis.call('HSET', KEYS[3], idem, fingerprint .. '|' .. last_id)
  end
  written[#written + 1] = last_id
end

redis.call('HSET', KEYS[4], 'hash', ARGV[5], 'sequence', ARGV[4], 'entry_id', last_id,
  'recorded_at', ARGV[6], 'signature', signature)
table.insert(written, 1, 'ok')
return written
