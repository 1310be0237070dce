import CThreadSlot
import Glibc
import Synchronization

/// Per-thread scratch memory that `Rendered` objects and lists are encoded into, as protobuf bytes.
/// A template builds a few hundred small objects on every call; here each costs a few stores
/// instead of an allocation, a reference-counted tree node and a later encoding pass.
///
/// Values hold offsets, never pointers, so growing the buffer keeps them valid. `scope` starts a new
/// generation: a value kept past its render (or taken to another thread) no longer matches the
/// arena's generation. Reading one never reads reused bytes: it reads zeros of the right length and
/// records the misuse, and the SDK answers that one call with a Fatal result naming it. One
/// author's slip must not stop a process that serves every composite of the cluster.
///
/// Reached through a C thread-local pointer, not a class reference: the arena is touched by every
/// object literal, and a reference would be retained and released at each touch. A pthread key
/// holds it too, only so that it is freed when its thread ends.
package struct RenderArena {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var used = 0
    private(set) var generation: UInt32
    /// Scopes entered and not yet left on this thread: only the outermost one starts a render.
    private var depth = 0
    /// The first misuse of rendered values in this render, in words for the Fatal result.
    package private(set) var misuse: String?
    /// Zeroed stand-ins handed out for stale values, freed when the next render starts (not before:
    /// a caller may hold two at once).
    private var standIns: [UnsafeMutableRawPointer] = []

    /// Above this the buffer is given back at the next scope: one huge claim must not pin its
    /// memory for the life of the process.
    private static let keptCapacity = 1 << 20
    private static let initialCapacity = 64 << 10
    private static let generations = Atomic<UInt32>(1)

    private init() {
        capacity = Self.initialCapacity
        base = .allocate(capacity: capacity)
        generation = Self.generations.add(1, ordering: .relaxed).newValue
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let r = pthread_key_create(&key) { p in
            guard let arena = p?.assumingMemoryBound(to: RenderArena.self) else { return }
            cts_set(nil)
            arena.pointee.base.deallocate()
            arena.deinitialize(count: 1)
            arena.deallocate()
        }
        precondition(r == 0, "pthread_key_create failed: \(r)")
        return key
    }()

    /// This thread's arena, made on first use and freed when the thread ends.
    @inline(__always)
    static var current: UnsafeMutablePointer<RenderArena> {
        if let p = cts_get() { return p.assumingMemoryBound(to: RenderArena.self) }
        return make()
    }

    private static func make() -> UnsafeMutablePointer<RenderArena> {
        let arena = UnsafeMutablePointer<RenderArena>.allocate(capacity: 1)
        arena.initialize(to: RenderArena())
        pthread_setspecific(key, arena)
        cts_set(arena)
        return arena
    }

    /// Runs one render: everything rendered before it becomes unreadable, and its memory is reused.
    /// The SDK enters a scope around every call (`FunctionRunnerService.call`), so a function need
    /// not; a scope inside another is part of the outer render and resets nothing, so values the
    /// outer render made stay readable.
    package static func scope<T>(_ body: () throws -> T) rethrows -> T {
        let arena = current
        if arena.pointee.depth == 0 { arena.pointee.reset() }
        arena.pointee.depth += 1
        defer { arena.pointee.depth -= 1 }
        return try body()
    }

    private mutating func reset() {
        used = 0
        misuse = nil
        for p in standIns { free(p) }
        standIns.removeAll(keepingCapacity: true)
        generation = Self.generations.add(1, ordering: .relaxed).newValue
        if capacity > Self.keptCapacity {
            base.deallocate()
            capacity = Self.initialCapacity
            base = .allocate(capacity: capacity)
        }
    }

    /// Makes room for `count` more bytes and returns where they go. Pointers into the arena taken
    /// before this call are invalid after it (offsets stay valid).
    @inline(__always)
    mutating func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if used + count > capacity { grow(to: used + count) }
        return base + used
    }

    private mutating func grow(to needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        precondition(c <= Int(UInt32.max), "rendered output over 4 GiB")
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.initialize(from: base, count: used)
        base.deallocate()
        base = b
        capacity = c
    }

    /// Marks `count` bytes written at the pointer `reserve` returned, and returns their span.
    @inline(__always)
    mutating func commit(_ count: Int) -> Rendered.Span {
        let span = Rendered.Span(start: UInt32(used), count: UInt32(count), generation: generation)
        used += count
        return span
    }

    /// Copies `bytes` to the end of the arena (string contents and interpolations).
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, !bytes.isEmpty else { return }
        let p = reserve(bytes.count)
        ByteWriter.copy(src, to: UnsafeMutableRawPointer(p), count: bytes.count)
        used += bytes.count
    }

    /// The span from `start` to the end of the arena.
    @inline(__always)
    func span(from start: Int) -> Rendered.Span {
        Rendered.Span(start: UInt32(start), count: UInt32(used - start), generation: generation)
    }

    /// The bytes of a span made in this render on this thread.
    @inline(__always)
    mutating func bytes(_ span: Rendered.Span) -> UnsafeBufferPointer<UInt8> {
        if _fastPath(span.generation == generation) {
            return UnsafeBufferPointer(start: base + Int(span.start), count: Int(span.count))
        }
        return staleBytes(span)
    }

    /// A value from another render or thread: zeros of its length, and the misuse noted.
    @inline(never)
    private mutating func staleBytes(_ span: Rendered.Span) -> UnsafeBufferPointer<UInt8> {
        report(
            "a rendered value was used after the call that made it had ended, or on another thread: Rendered values live for one call (do not keep them in a static, a global or an object that outlives the call)"
        )
        guard span.count > 0, let p = calloc(Int(span.count), 1) else { return UnsafeBufferPointer(start: nil, count: 0) }
        standIns.append(p)
        return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: Int(span.count))
    }

    /// Notes a misuse of the render API; the first one names the call's Fatal result.
    package mutating func report(_ message: String) {
        if misuse == nil { misuse = message }
    }

    /// Copies the `count` bytes at `start` to the end of the arena and returns their new start
    /// (a string being interpolated moves past a value an argument rendered).
    mutating func move(from start: Int, count: Int) -> Int {
        let destination = reserve(count)
        ByteWriter.copy(UnsafeRawPointer(base + start), to: UnsafeMutableRawPointer(destination), count: count)
        let moved = used
        used += count
        return moved
    }
}
