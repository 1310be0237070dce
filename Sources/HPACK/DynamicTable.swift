/// RFC 7541 sections 2.3.2 and 4: the FIFO of recently indexed fields. Sizes are counted in octets as
/// received, so a field whose bytes were not valid UTF-8 still costs what the peer counted.
struct DynamicTable {
    struct Entry {
        var name: String
        var value: String
        var size: Int
    }

    private(set) var entries: [Entry] = [] // oldest first
    private(set) var size = 0
    private(set) var maxSize: Int
    /// Changes whenever an entry is added or evicted or the size changes: an encoding made at one
    /// generation is valid, byte for byte, at that same generation.
    private(set) var generation: UInt64 = 0

    init(maxSize: Int) { self.maxSize = maxSize }

    var count: Int { entries.count }

    /// Dynamic index 1 is the newest entry.
    func entry(_ dynamicIndex: Int) -> Entry? {
        guard dynamicIndex >= 1, dynamicIndex <= entries.count else { return nil }
        return entries[entries.count - dynamicIndex]
    }

    mutating func add(name: String, value: String, size entrySize: Int) {
        generation &+= 1
        if entrySize > maxSize {
            entries.removeAll(keepingCapacity: true)
            size = 0
            return
        }
        evict(toFit: maxSize - entrySize)
        entries.append(Entry(name: name, value: value, size: entrySize))
        size += entrySize
    }

    mutating func resize(_ newMax: Int) {
        generation &+= 1
        maxSize = newMax
        evict(toFit: newMax)
    }

    private mutating func evict(toFit limit: Int) {
        var drop = 0
        while size > limit, drop < entries.count {
            size -= entries[drop].size
            drop += 1
        }
        if drop > 0 { entries.removeFirst(drop) }
    }

    /// For the encoder: dynamic index of an exact match, or of the newest entry with this name.
    func find(name: String, value: String) -> (index: Int, exact: Bool)? {
        var nameOnly: Int?
        for (offset, e) in entries.reversed().enumerated() where e.name == name {
            if e.value == value { return (offset + 1, true) }
            if nameOnly == nil { nameOnly = offset + 1 }
        }
        return nameOnly.map { ($0, false) }
    }
}
