package reportfile

import (
	"hash/maphash"
	"iter"
	"maps"
)

// Keys remembers the (operator_id, report_no) of every valid row of a
// file and the row that had it. It keys a map by a 64-bit hash, which for
// a million rows is much faster than keying it by the strings (the
// workers compute the hashes in parallel, see keyHash), and compares the
// strings on a hit, so a collision is never taken for a duplicate.
type Keys struct {
	byHash   map[uint64]int32
	entries  []keyEntry
	collided map[[2]string]int // keys whose hash another key had first
}

type keyEntry struct {
	operatorID, reportNo string
	row                  int
}

// newKeys sizes the set for about rows keys.
func newKeys(rows int) *Keys {
	return &Keys{byHash: make(map[uint64]int32, rows), entries: make([]keyEntry, 0, rows),
		collided: map[[2]string]int{}}
}

// keySeed seeds keyHash for the process: hashes only index maps of this
// process, so any seed will do.
var keySeed = maphash.MakeSeed()

// keyHash hashes an accident's key.
func keyHash(operatorID, reportNo string) uint64 {
	var h maphash.Hash
	h.SetSeed(keySeed)
	h.WriteString(operatorID)
	h.WriteByte(0)
	h.WriteString(reportNo)
	return h.Sum64()
}

// add records a key with its hash; if it was there, it returns the first
// row with it.
func (k *Keys) add(sum uint64, operatorID, reportNo string, row int) (int, bool) {
	i, ok := k.byHash[sum]
	if !ok {
		k.byHash[sum] = int32(len(k.entries))
		k.entries = append(k.entries, keyEntry{operatorID, reportNo, row})
		return 0, false
	}
	if e := k.entries[i]; e.operatorID == operatorID && e.reportNo == reportNo {
		return e.row, true
	}
	exact := [2]string{operatorID, reportNo}
	if first, ok := k.collided[exact]; ok {
		return first, true
	}
	k.collided[exact] = row
	return 0, false
}

// Hashes yields the hash of every key, in no order. Two equal keys have
// the same hash within a process; two different keys rarely do, so a
// caller comparing the keys of files by hash may take a collision for a
// shared key, never miss one.
func (k *Keys) Hashes() iter.Seq[uint64] {
	return maps.Keys(k.byHash)
}
