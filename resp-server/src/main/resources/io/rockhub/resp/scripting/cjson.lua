-- RockHub's cjson for scripts: the behaviour of the lua-cjson 2.1 that Redis 7.0 embeds (number
-- precision 14, '/' escaped, sparse-array and nesting rules, cjson.null, its error texts), written
-- in Lua for this server. Errors are raised without a position; the caller adds the script's.
local null, format, byte, char, sub, find, concat = ...
local type, pairs, next, tostring, tonumber, floor, huge, error, pcall =
  type, pairs, next, tostring, tonumber, math.floor, math.huge, error, pcall

local cfg = { sparse_convert = false, sparse_ratio = 2, sparse_safe = 10, max_depth = 1000,
  decode_max_depth = 1000, precision = 14, invalid_numbers = false }

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
for c = 0, 31 do
  local ch = char(c)
  if not escapes[ch] then escapes[ch] = format('\\u%04x', c) end
end
escapes[char(127)] = '\\u007f'

local function encode_string(s)
  return '"' .. s:gsub('[%z\1-\31"\\/\127]', escapes) .. '"'
end

local function encode_number(n)
  if n ~= n or n == huge or n == -huge then
    if not cfg.invalid_numbers then error('Cannot serialise number: must not be NaN or Inf', 0) end
  end
  return format('%.' .. cfg.precision .. 'g', n)
end

-- Like lua-cjson's lua_array_length: the largest index when every key is a positive integer, -1
-- otherwise; a too sparse array is refused (or, if configured, encoded as an object).
local function array_length(t)
  local max, items = 0, 0
  for k in pairs(t) do
    if type(k) == 'number' and k > 0 and floor(k) == k then
      if k > max then max = k end
      items = items + 1
    else
      return -1
    end
  end
  if cfg.sparse_ratio > 0 and max > items * cfg.sparse_ratio and max > cfg.sparse_safe then
    if not cfg.sparse_convert then error('Cannot serialise table: excessively sparse array', 0) end
    return -1
  end
  return max
end

local encode_value

local function encode_table(t, depth, out)
  depth = depth + 1
  if depth > cfg.max_depth then
    error(format('Cannot serialise, excessive nesting (%d)', depth), 0)
  end
  local len = array_length(t)
  if len > 0 then
    out[#out + 1] = '['
    for i = 1, len do
      if i > 1 then out[#out + 1] = ',' end
      encode_value(t[i], depth, out)
    end
    out[#out + 1] = ']'
  else
    out[#out + 1] = '{'
    local first = true
    for k, v in pairs(t) do
      if not first then out[#out + 1] = ',' end
      first = false
      local kt = type(k)
      if kt == 'string' then
        out[#out + 1] = encode_string(k)
      elseif kt == 'number' then
        out[#out + 1] = '"' .. encode_number(k) .. '"'
      else
        error('Cannot serialise ' .. kt .. ': table key must be a number or string', 0)
      end
      out[#out + 1] = ':'
      encode_value(v, depth, out)
    end
    out[#out + 1] = '}'
  end
end

encode_value = function(v, depth, out)
  local t = type(v)
  if t == 'string' then
    out[#out + 1] = encode_string(v)
  elseif t == 'number' then
    out[#out + 1] = encode_number(v)
  elseif t == 'boolean' then
    out[#out + 1] = v and 'true' or 'false'
  elseif t == 'nil' or v == null then
    out[#out + 1] = 'null'
  elseif t == 'table' then
    encode_table(v, depth, out)
  else
    error('Cannot serialise ' .. t .. ': type not supported', 0)
  end
end

local function encode(v)
  local out = {}
  encode_value(v, 0, out)
  return concat(out)
end

-- Decoding: a hand-written scanner over the string, as lua-cjson's (its token names in errors).
local decode_value

local function token_error(s, pos, expected)
  local found
  local c = sub(s, pos, pos)
  if c == '' then found = 'T_END'
  elseif c == '{' then found = 'T_OBJ_BEGIN' elseif c == '}' then found = 'T_OBJ_END'
  elseif c == '[' then found = 'T_ARR_BEGIN' elseif c == ']' then found = 'T_ARR_END'
  elseif c == ',' then found = 'T_COMMA' elseif c == ':' then found = 'T_COLON'
  elseif c == '"' then found = 'T_STRING'
  elseif find(c, '[%-0-9]') then found = 'T_NUMBER'
  elseif sub(s, pos, pos + 3) == 'true' or sub(s, pos, pos + 4) == 'false' then found = 'T_BOOLEAN'
  elseif sub(s, pos, pos + 3) == 'null' then found = 'T_NULL'
  else found = 'invalid token' end
  error(format('Expected %s but found %s at character %d', expected, found, pos), 0)
end

local function skip(s, pos)
  local _, e = find(s, '^[ \t\n\r]*', pos)
  return e + 1
end

local function utf8(cp)
  if cp < 0x80 then return char(cp)
  elseif cp < 0x800 then return char(0xC0 + floor(cp / 64), 0x80 + cp % 64)
  elseif cp < 0x10000 then return char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
  else return char(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64, 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64) end
end

local simple = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }

local function decode_string(s, pos)
  local parts, i = {}, pos + 1
  while true do
    local j = find(s, '["\\]', i)
    if not j then error(format('Expected value but found invalid token at character %d', pos), 0) end
    parts[#parts + 1] = sub(s, i, j - 1)
    if sub(s, j, j) == '"' then return concat(parts), j + 1 end
    local e = sub(s, j + 1, j + 1)
    if simple[e] then
      parts[#parts + 1] = simple[e]
      i = j + 2
    elseif e == 'u' then
      local hex = sub(s, j + 2, j + 5)
      local cp = #hex == 4 and find(hex, '^%x%x%x%x$') and tonumber(hex, 16)
      if not cp then error(format('Expected value but found invalid unicode escape code at character %d', pos), 0) end
      i = j + 6
      if cp >= 0xD800 and cp <= 0xDBFF then
        local lo = sub(s, i, i + 1) == '\\u' and tonumber(sub(s, i + 2, i + 5), 16)
        if not lo or lo < 0xDC00 or lo > 0xDFFF then
          error(format('Expected value but found invalid unicode escape code at character %d', pos), 0)
        end
        cp = 0x10000 + (cp - 0xD800) * 1024 + (lo - 0xDC00)
        i = i + 6
      end
      parts[#parts + 1] = utf8(cp)
    else
      error(format('Expected value but found invalid escape code at character %d', pos), 0)
    end
  end
end

local function decode_number(s, pos)
  local _, e = find(s, '^-?[%d%.eE+%-xXa-fA-FinIN]+', pos)
  local text = sub(s, pos, e)
  local n = tonumber(text)
  if not n then error(format('Expected value but found invalid number at character %d', pos), 0) end
  return n, e + 1
end

local function decode_array(s, pos, depth)
  depth = depth + 1
  if depth > cfg.decode_max_depth then
    error(format('Found too many nested data structures (%d) at character %d', depth, pos), 0)
  end
  local t, n = {}, 0
  pos = skip(s, pos + 1)
  if sub(s, pos, pos) == ']' then return t, pos + 1 end
  while true do
    local v
    v, pos = decode_value(s, pos, depth)
    n = n + 1
    t[n] = v
    pos = skip(s, pos)
    local c = sub(s, pos, pos)
    if c == ']' then return t, pos + 1 end
    if c ~= ',' then token_error(s, pos, 'comma or array end') end
    pos = skip(s, pos + 1)
  end
end

local function decode_object(s, pos, depth)
  depth = depth + 1
  if depth > cfg.decode_max_depth then
    error(format('Found too many nested data structures (%d) at character %d', depth, pos), 0)
  end
  local t = {}
  pos = skip(s, pos + 1)
  if sub(s, pos, pos) == '}' then return t, pos + 1 end
  while true do
    if sub(s, pos, pos) ~= '"' then token_error(s, pos, 'object key string') end
    local k
    k, pos = decode_string(s, pos)
    pos = skip(s, pos)
    if sub(s, pos, pos) ~= ':' then token_error(s, pos, 'colon') end
    local v
    v, pos = decode_value(s, skip(s, pos + 1), depth)
    t[k] = v
    pos = skip(s, pos)
    local c = sub(s, pos, pos)
    if c == '}' then return t, pos + 1 end
    if c ~= ',' then token_error(s, pos, 'comma or object end') end
    pos = skip(s, pos + 1)
  end
end

decode_value = function(s, pos, depth)
  local c = sub(s, pos, pos)
  if c == '{' then return decode_object(s, pos, depth)
  elseif c == '[' then return decode_array(s, pos, depth)
  elseif c == '"' then return decode_string(s, pos)
  elseif c == '-' or find(c, '%d') then return decode_number(s, pos)
  elseif sub(s, pos, pos + 3) == 'true' then return true, pos + 4
  elseif sub(s, pos, pos + 4) == 'false' then return false, pos + 5
  elseif sub(s, pos, pos + 3) == 'null' then return null, pos + 4
  end
  token_error(s, pos, 'value')
end

local function decode(s)
  if type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ")", 0) end
  local v, pos = decode_value(s, skip(s, 1), 0)
  pos = skip(s, pos)
  if pos <= #s then token_error(s, pos, 'the end') end
  return v
end

local cjson = { null = null, _NAME = 'cjson', _VERSION = '2.1.0' }
function cjson.encode_sparse_array(convert, ratio, safe)
  if convert ~= nil then cfg.sparse_convert = convert end
  if ratio ~= nil then cfg.sparse_ratio = ratio end
  if safe ~= nil then cfg.sparse_safe = safe end
  return cfg.sparse_convert, cfg.sparse_ratio, cfg.sparse_safe
end
function cjson.encode_max_depth(d) if d then cfg.max_depth = d end return cfg.max_depth end
function cjson.decode_max_depth(d) if d then cfg.decode_max_depth = d end return cfg.decode_max_depth end
function cjson.encode_number_precision(p) if p then cfg.precision = p end return cfg.precision end
function cjson.encode_keep_buffer(k) return true end
function cjson.encode_invalid_numbers(v) if v ~= nil then cfg.invalid_numbers = v end return cfg.invalid_numbers end
function cjson.decode_invalid_numbers(v) return true end
return cjson, encode, decode
