/**
 * Lua scripts of SmsOutbox: every status change of a message is one atomic script, which also
 * keeps the per-broadcast counts, the carrier-id index, the deadline set and the stream
 * acknowledgements in step. Keys are built from the prefix (ARGV[1]): standalone Redis only.
 *
 * Keys (P = prefix):
 *   P b:<bid>      hash   broadcast (text, kind, ref, total, …)
 *   P b:<bid>:n    hash   status → count
 *   P bs           zset   broadcast ids by creation time
 *   P m:<mid>      hash   message: b, to, st, parts, cref, ids, got, err, at, sat
 *   P q            stream messages to send (consumer group `g`)
 *   P c:<cid>      string carrier id → message id, until its final receipt
 *   P u:<to>       zset   messages to <to> whose submit outcome is unknown
 *   P o:<cid>      string a receipt that matched nothing yet ("outcome|stat|err|cref")
 *   P op:<to>      list   those carrier ids per handset
 *   P dl           zset   message id → deadline for a final receipt
 *   P in           stream inbound messages
 */

const PRELUDE = `
local P = ARGV[1]
local now = ARGV[2]
local function mkey(mid) return P .. 'm:' .. mid end
local function move(mk, from, to, err)
  local n = P .. 'b:' .. redis.call('HGET', mk, 'b') .. ':n'
  redis.call('HINCRBY', n, from, -1)
  redis.call('HINCRBY', n, to, 1)
  redis.call('HSET', mk, 'st', to, 'at', now)
  if err then redis.call('HSET', mk, 'err', err) end
end
local function ack(entry)
  if entry and entry ~= '' then
    redis.call('XACK', P .. 'q', 'g', entry)
    redis.call('XDEL', P .. 'q', entry)
  end
end
local function addId(mk, cid)
  local ids = redis.call('HGET', mk, 'ids')
  if ids and ids ~= '' then ids = ids .. ',' .. cid else ids = cid end
  redis.call('HSET', mk, 'ids', ids)
end
-- A receipt outcome for a message that is sent or unknown; returns its status afterwards.
local function apply(mid, outcome, stat, err)
  local mk = mkey(mid)
  local st = redis.call('HGET', mk, 'st')
  if st ~= 'sent' and st ~= 'unknown' then return st or 'missing' end
  if outcome == 'pending' then return st end
  if outcome == 'delivered' then
    local got = redis.call('HINCRBY', mk, 'got', 1)
    if got < tonumber(redis.call('HGET', mk, 'parts')) then return st end
    move(mk, st, 'delivered', false)
  else
    local final = 'failed'
    if outcome == 'expired' then final = 'expired' end
    move(mk, st, final, 'carrier receipt: stat ' .. stat .. ', err ' .. err)
  end
  redis.call('ZREM', P .. 'dl', mid)
  redis.call('ZREM', P .. 'u:' .. redis.call('HGET', mk, 'to'), mid)
  return redis.call('HGET', mk, 'st')
end
local function unpackOrphan(o)
  return string.match(o, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
end
-- sending → unknown: held until a receipt matches it by handset (and client ref) or the deadline.
local function toUnknown(mid, entry, deadline)
  local mk = mkey(mid)
  local to = redis.call('HGET', mk, 'to')
  move(mk, 'sending', 'unknown', 'the carrier may or may not have it (no answer before a restart or timeout); not resent')
  redis.call('ZADD', P .. 'u:' .. to, tonumber(redis.call('HGET', mk, 'sat') or now), mid)
  redis.call('ZADD', P .. 'dl', deadline, mid)
  ack(entry)
  local cref = redis.call('HGET', mk, 'cref')
  local st = 'unknown'
  for _, cid in ipairs(redis.call('LRANGE', P .. 'op:' .. to, 0, -1)) do
    if st ~= 'unknown' then break end
    local o = redis.call('GET', P .. 'o:' .. cid)
    if not o then
      redis.call('LREM', P .. 'op:' .. to, 0, cid)
    else
      local outcome, stat, err, ocref = unpackOrphan(o)
      if ocref == '' or ocref == cref then
        redis.call('DEL', P .. 'o:' .. cid)
        redis.call('LREM', P .. 'op:' .. to, 0, cid)
        addId(mk, cid)
        st = apply(mid, outcome, stat, err)
      end
    end
  end
  return st
end
`;

function script(body: string): string {
  return `${PRELUDE}\n${body}`;
}

export const OUTBOX_SCRIPTS = {
  /**
   * A broadcast and all its messages, atomically. ARGV: P, now, bid, parts, seed, nMeta,
   * meta field/value pairs…, then the recipients' numbers → number of messages.
   */
  smsCreate: script(`
local bid, parts, seed, nMeta = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local first = 7 + nMeta * 2
local total = #ARGV - first + 1
local meta = {}
for i = 7, first - 1 do meta[#meta + 1] = ARGV[i] end
redis.call('HSET', P .. 'b:' .. bid, unpack(meta))
redis.call('HSET', P .. 'b:' .. bid .. ':n', 'queued', total, 'sending', 0, 'sent', 0, 'unknown', 0,
  'delivered', 0, 'failed', 0, 'expired', 0)
redis.call('ZADD', P .. 'bs', now, bid)
for i = first, #ARGV do
  local k = i - first
  local mid = bid .. '.' .. k
  local cref = (seed + k) % 65536
  redis.call('HSET', P .. 'm:' .. mid, 'b', bid, 'to', ARGV[i], 'st', 'queued', 'parts', parts, 'cref', cref, 'got', 0, 'at', now)
  redis.call('XADD', P .. 'q', '*', 'm', mid, 'b', bid, 't', ARGV[i], 'r', cref)
end
return total`),

  /** ARGV: P, now, mid → 1 when queued → sending. */
  smsSending: script(`
local mk = mkey(ARGV[3])
if redis.call('HGET', mk, 'st') ~= 'queued' then return 0 end
move(mk, 'queued', 'sending', false)
redis.call('HSET', mk, 'sat', now)
return 1`),

  /** ARGV: P, now, mid, reason → 1 when sending → queued (the carrier did not take it). */
  smsRequeue: script(`
local mk = mkey(ARGV[3])
if redis.call('HGET', mk, 'st') ~= 'sending' then return 0 end
move(mk, 'sending', 'queued', ARGV[4])
return 1`),

  /** ARGV: P, now, mid, entry, deadline, idTtlSeconds, cid… → status afterwards. */
  smsSent: script(`
local mid = ARGV[3]
local mk = mkey(mid)
local st = redis.call('HGET', mk, 'st')
ack(ARGV[4])
if st ~= 'sending' and st ~= 'queued' then return st or 'missing' end
move(mk, st, 'sent', false)
local to = redis.call('HGET', mk, 'to')
local ids = {}
for i = 7, #ARGV do
  ids[#ids + 1] = ARGV[i]
  redis.call('SET', P .. 'c:' .. ARGV[i], mid, 'EX', ARGV[6])
end
redis.call('HSET', mk, 'ids', table.concat(ids, ','))
redis.call('ZADD', P .. 'dl', ARGV[5], mid)
local result = 'sent'
for i = 7, #ARGV do
  local o = redis.call('GET', P .. 'o:' .. ARGV[i])
  if o then
    redis.call('DEL', P .. 'o:' .. ARGV[i], P .. 'c:' .. ARGV[i])
    redis.call('LREM', P .. 'op:' .. to, 0, ARGV[i])
    local outcome, stat, err = unpackOrphan(o)
    result = apply(mid, outcome, stat, err)
  end
end
return result`),

  /** ARGV: P, now, mid, entry, reason → status afterwards. */
  smsFailed: script(`
local mk = mkey(ARGV[3])
local st = redis.call('HGET', mk, 'st')
ack(ARGV[4])
if st ~= 'queued' and st ~= 'sending' then return st or 'missing' end
move(mk, st, 'failed', ARGV[5])
return 'failed'`),

  /** ARGV: P, now, mid, entry, deadline → status afterwards. */
  smsUnknown: script(`
local mk = mkey(ARGV[3])
local st = redis.call('HGET', mk, 'st')
if st ~= 'sending' then
  ack(ARGV[4])
  return st or 'missing'
end
return toUnknown(ARGV[3], ARGV[4], ARGV[5])`),

  /**
   * After a restart, for each stream entry this consumer had read but not acknowledged.
   * ARGV: P, now, mid, entry, deadline → 'queued' (send it), 'unknown', or the final status.
   */
  smsRecover: script(`
local mk = mkey(ARGV[3])
local st = redis.call('HGET', mk, 'st')
if st == 'queued' then return 'queued' end
if st == 'sending' then return toUnknown(ARGV[3], ARGV[4], ARGV[5]) end
ack(ARGV[4])
return st or 'missing'`),

  /**
   * ARGV: P, now, cid, to, outcome, stat, err, cref, orphanTtlSeconds → { mid or '', status, changed }.
   * By carrier id first; else a message to that handset whose outcome is unknown (same client
   * ref when the carrier echoes it); else the receipt is parked for a record still to come.
   */
  smsReceipt: script(`
local cid, to, outcome, stat, err, cref = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local function applied(m)
  local before = redis.call('HGET', mkey(m), 'st')
  local after = apply(m, outcome, stat, err)
  if before == after then return { m, after, 0 } end
  return { m, after, 1 }
end
local mid = redis.call('GET', P .. 'c:' .. cid)
if mid then
  if outcome ~= 'pending' then redis.call('DEL', P .. 'c:' .. cid) end
  return applied(mid)
end
if outcome == 'pending' then return { '', 'ignored', 0 } end
for _, m in ipairs(redis.call('ZRANGE', P .. 'u:' .. to, 0, -1)) do
  if cref == '' or redis.call('HGET', mkey(m), 'cref') == cref then
    addId(mkey(m), cid)
    return applied(m)
  end
end
redis.call('SET', P .. 'o:' .. cid, outcome .. '|' .. stat .. '|' .. err .. '|' .. cref, 'EX', ARGV[9])
redis.call('RPUSH', P .. 'op:' .. to, cid)
redis.call('EXPIRE', P .. 'op:' .. to, ARGV[9])
return { '', 'parked', 0 }`),

  /** ARGV: P, now, mid, reason → { status afterwards, to } (sent/unknown past the deadline → expired). */
  smsExpire: script(`
local mid = ARGV[3]
local mk = mkey(mid)
local st = redis.call('HGET', mk, 'st')
local to = redis.call('HGET', mk, 'to') or ''
redis.call('ZREM', P .. 'dl', mid)
if st ~= 'sent' and st ~= 'unknown' then return { st or 'missing', to } end
move(mk, st, 'expired', ARGV[4])
redis.call('ZREM', P .. 'u:' .. to, mid)
return { 'expired', to }`),
} as const;

export type OutboxScriptName = keyof typeof OUTBOX_SCRIPTS;
