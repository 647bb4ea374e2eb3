/**
 * Every byte layout RockHub writes to RocksDB, and nowhere else.
 *
 * <p>Integers are big-endian so that byte order equals numeric order, except the merge counters
 * (RocksDB's {@code uint64add} operator defines them as little-endian fixed64). Codes that reach
 * disk (data types, column-family names) are explicit and append-only; golden tests freeze them.
 *
 * <p>Layout version 2 (see {@link io.rockhub.core.encoding.FormatVersion}; a directory of version 1
 * is upgraded when opened). "key" below is a {@link io.rockhub.core.encoding.StoredKey}:
 * {@code [u8 namespace][user key]}, the namespace being a database (which one is in the database map).
 * In subkey layouts the namespace part leads and the user key follows with its length, so every
 * database is one contiguous range of the metadata and versioned families. In cluster mode the
 * namespace part is {@code [0x80][u16 hash slot]} (see {@link io.rockhub.core.encoding.StoredKey}):
 * one slot is one range, which a migration copies ({@link io.rockhub.core.encoding.RawOps}) and
 * range-deletes; a directory written in one mode is refused in the other.
 *
 * <pre>
 * column family  key                                              value
 * -------------  -----------------------------------------------  -----------------------------------------
 * metadata       [ns][user key]                                   Metadata: [u8 type][u64 expireAt ms, 0 = none]
 *                                                                   string:  [value bytes...]
 *                                                                   others:  [u64 version][u64 size][type extras]
 *                                                                   list extras: [u64 head][u64 tail]
 *                                                                   stream extras: StreamMeta (last id, max deleted id, entries added)
 *                                                                   chunked string (type 7): size = length in bytes
 * subkey (string chunk) [ns][u32 len][user key][u64 version][u32 chunk]  up to 4096 bytes; absent or short = zeros
 * subkey (list)  [ns][u32 len][user key][u64 version][u64 index]  the item at that index, head <= index < tail
 * stream         [ns][u32 len][user key][u64 version][u64 ms][u64 seq]  StreamEntry: [u32 n][u32 len][bytes]...
 * stream (groups) [ns][u32 len][user key][u64 version][ff x16][tag]...  group, consumer, pending and per-consumer
 *                                                                   pending index: see StreamGroupCodec (a group's
 *                                                                   dead-letter key is a stored key)
 * subkey         [ns][u32 len][user key][u64 version][subkey]     type-specific (hash value, set member, ...)
 * expire         [u64 sweepAt ms][ns][user key]                   empty: one entry per key that has a TTL; sweepAt
 *                                                                   is its deadline rounded up to the whole second
 *                                                                   (layouts up to 3: the deadline, still accepted)
 * garbage        [u64 version][ns][user key]                      [u8 type]: a dead version whose subkeys
 *                                                                   the sweeper must range-delete
 * zset_score     [ns][u32 len][user key][u64 version][score][member]  empty: the score index of a sorted set
 *                score = 8 bytes of the double mapped so byte order = numeric order (-0 stored as 0);
 *                the subkey family maps member -> the same 8-byte score
 * default        "rockhub:counter:keys" / ":expires"              u64 little-endian, merged with uint64add:
 *                  (namespace 0), "...@N" (namespace N)             keys and keys with a TTL per namespace
 *                "rockhub:databases"                              DatabaseMap: the namespace of each database
 *                "rockhub:format"                                 u32 layout version
 * </pre>
 */
package io.rockhub.core.encoding;
